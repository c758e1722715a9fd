"""Regenerate quirks.json: what the reference computes on the small inputs
of the engine's quirk tests (loss/quirks_test.go), inputs included.

    /usr/bin/python3 generate.py /path/to/CornerNet

Runs _sigmoid, _neg_loss and _ae_loss of the reference itself
(princeton-vl/CornerNet, models/py_utils/kp_utils.py, imported from the
checkout given, not copied) under PyTorch 1.13 in float32, as
../generate.py does, and records the checkout's commit.
"""
import json, os, subprocess, sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from cornernet import reference

root = sys.argv[1] if len(sys.argv) > 1 else "."
kp, _ = reference(root)

def commit(root):
    """The checkout's commit, or CORNERNET_COMMIT for an exported tree."""
    try:
        return subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return os.environ.get("CORNERNET_COMMIT", "unknown")

cases = {}

# A uint8 mask holding 2 (quirk 5): mask.sum() adds the values, and the push
# pairs are those whose two mask values sum to exactly 2. Image 1 is empty so
# that the batch has two images (the reference squeezes the batch axis away
# for one).
tl = [[0.3, -0.2, 0.9], [0.0, 0.0, 0.0]]
br = [[0.1, 0.4, -0.5], [0.0, 0.0, 0.0]]
mask = [[2, 0, 0], [0, 0, 0]]
f32 = lambda v: torch.tensor(v, dtype=torch.float32).unsqueeze(2)  # [B, K, 1] as the model gathers
pull, push = kp._ae_loss(f32(tl), f32(br), torch.tensor(mask, dtype=torch.uint8))
cases["mask_arithmetic"] = dict(tl_tags=tl, br_tags=br, gt_mask=mask, pull=float(pull), push=float(push))

# No object and CornerNet's initial bias everywhere: focal is -Σneg, not
# divided (quirk: no positives). One corner, B=2, C=80, 128×128.
logit, shape = -2.19, (2, 80, 128, 128)
heat = kp._sigmoid(torch.full(shape, logit, dtype=torch.float32))
focal = kp._neg_loss([heat], torch.zeros(shape, dtype=torch.float32))
cases["empty_batch_constant"] = dict(logit=logit, shape=list(shape), focal=float(focal))

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "quirks.json"), "w") as f:
    json.dump(dict(generator="generate.py", cornernet=commit(root), torch=torch.__version__, cases=cases), f, indent=1)
    f.write("\n")
print(json.dumps(cases, indent=1))
