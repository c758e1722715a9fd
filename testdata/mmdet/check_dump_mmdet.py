"""Check assets/dump_mmdet.py against mmdetection itself.

    go build -o /tmp/cornerloss ./cmd/cornerloss
    /usr/bin/python3 testdata/mmdet/check_dump_mmdet.py /path/to/mmdetection /tmp/cornerloss

Wraps a CornerHead's loss_by_feat with dump_mmdet (the shims of generate.py
stand in for mmengine and mmcv), runs one step with boxes that share a
corner pixel, and compares mmdetection's loss with `cornerloss eval
-convention mmdet` on the dump it wrote, within the usual tolerance.
"""
import json, os, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
mmdet_root, cli = sys.argv[1], sys.argv[2]
sys.argv = [sys.argv[0], mmdet_root]
g = {"__file__": os.path.join(here, "generate.py"), "__name__": "shims"}
exec(open(g["__file__"]).read().split("rng = np.random")[0], g)  # the shims and helpers, no cases
sys.path.insert(0, os.path.join(here, "..", "..", "assets"))
from dump_mmdet import wrap_loss_by_feat
import torch

torch.manual_seed(3)
S, B, C, H, W = 2, 2, 4, 24, 32
path = os.path.join(tempfile.mkdtemp(), "step.npz")
head = wrap_loss_by_feat(g["make_head"](C, S, (0.1, 0.1, 1.0), 2.0, 4.0), lambda: path)
boxes = [[[10.0, 12.0, 101.0, 80.5, 0], [30.5, 40.0, 100.2, 83.9, 1], [5, 5, 60, 60, 3]], [[1, 2, 50, 40, 2]]]
inst = [g["InstanceData"](bboxes=torch.tensor([b[:4] for b in im], dtype=torch.float32), labels=torch.tensor([b[4] for b in im]))
        for im in boxes]
level = lambda ch: [torch.randn(B, ch, H, W) * 2 - (3 if ch == C else 0) for _ in range(S)]
losses = head.loss_by_feat(level(C), level(C), level(1), level(1), level(2), level(2), inst,
                           [dict(batch_input_shape=(96, 128))] * B)
loss, log = g["parse_losses"](losses)
got = json.loads(subprocess.check_output([cli, "eval", "-json", "-convention", "mmdet", path]))
ok = True
for k, want in [("loss", loss), ("focal", log["det_loss"]), ("pull", log["pull_loss"]),
                ("push", log["push_loss"]), ("regr", log["off_loss"])]:
    good = abs(got[k] - want) <= 1e-6 + 1e-5 * abs(want)
    ok &= good
    print("%-5s mmdetection %.9g cornerloss %.9g %s" % (k, want, got[k], "ok" if good else "DIFFERS"))
sys.exit(0 if ok else 1)
