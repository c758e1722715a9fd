"""Reference values for steps split over several devices (chunks).

    /usr/bin/python3 generate.py /path/to/CornerNet

CornerNet trains under its own DataParallel with chunk_sizes: each device
runs AELoss on its chunk of the batch, and nnet/py_factory.py prints
loss.mean() over the devices. This script takes the public and reference
cases of ../golden and ../reference (whole batches, or several concatenated
along the batch axis), splits them at image boundaries, and runs the
reference's own loss (AELoss term by term, via loss_terms in
../reference/generate.py, which imports _sigmoid, _neg_loss, _ae_loss and
_regr_loss from the CornerNet checkout given) on each chunk under PyTorch
1.13.1 in float32. It writes chunks.json: for each split, the sources, the
images of each chunk, each chunk's terms and their mean. No dump is written:
the test rebuilds the chunks from the same files.

A chunk of one image is where the reference crashes (squeeze); as in
../reference, its value is taken on the image duplicated with pull and push
halved.
"""
import json, os, sys

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
testdata = os.path.dirname(here)

# loss_terms and the reference loader live in ../reference/generate.py; run
# its definitions (everything before its first make_case) rather than copy them.
gen = os.path.join(testdata, "reference", "generate.py")
src = open(gen).read()
ns = {"__file__": gen, "__name__": "reference_generate"}
sys.argv = [gen, sys.argv[1] if len(sys.argv) > 1 else "."]
exec(compile(src[:src.index("\nmake_case(")], gen, "exec"), ns)
loss_terms = ns["loss_terms"]

SCHEMA = ["tl_heats", "br_heats", "tl_tags", "br_tags", "tl_regrs", "br_regrs",
          "gt_tl_heat", "gt_br_heat", "gt_mask", "gt_tl_regr", "gt_br_regr", "tl_inds", "br_inds"]

def load(source):
    z = np.load(os.path.join(testdata, source + ".npz"))
    a = {k: z[k] for k in SCHEMA}
    # Every source used here has the stack axis and [S B K 1] tags when gathered.
    for c in ("tl", "br"):
        for kind in ("tags", "regrs"):
            m = a[c + "_" + kind]
            if m.ndim == 5:  # maps [S B ch H W]: gather at the corner indices
                S, B, ch, H, W = m.shape
                f = m.reshape(S, B, ch, H * W).transpose(0, 1, 3, 2)
                ind = a[c + "_inds"]
                m = np.stack([np.stack([f[s, b][ind[b]] for b in range(B)]) for s in range(S)])
            a[c + "_" + kind] = m
    meta = json.load(open(os.path.join(testdata, source + ".json")))
    return a, meta

def concat(arrays):
    out = {}
    for k in SCHEMA:
        axis = 1 if k in ("tl_heats", "br_heats", "tl_tags", "br_tags", "tl_regrs", "br_regrs") else 0
        out[k] = np.concatenate([a[k] for a in arrays], axis=axis)
    return out

def chunk_terms(a, images, weights):
    sel = lambda k: a[k][:, images] if k in SCHEMA[:6] else a[k][images]
    S = a["tl_heats"].shape[0]
    outs = []
    for s in range(S):
        outs += [torch.from_numpy(np.ascontiguousarray(sel(k)[s])) for k in SCHEMA[:6]]
    tgts = [torch.from_numpy(np.ascontiguousarray(sel(k))) for k in ("gt_tl_heat", "gt_br_heat", "gt_mask", "gt_tl_regr", "gt_br_regr")]
    if len(images) == 1:
        d = lambda t: torch.cat([t, t], 0)
        _, focal, pull, push, regr = loss_terms([d(o) for o in outs], [d(t) for t in tgts], *weights)
        pull, push = pull / 2, push / 2
        return dict(loss=focal + pull + push + regr, focal=focal, pull=pull, push=push, regr=regr)
    loss, focal, pull, push, regr = loss_terms(outs, tgts, *weights)
    return dict(loss=loss, focal=focal, pull=pull, push=push, regr=regr)

SPLITS = [
    ("five_images_two_chunks", ["golden/small_two_images", "golden/empty_image_in_batch"], [[0, 1], [2, 3, 4]]),
    ("seven_images_three_chunks", ["golden/small_two_images", "golden/empty_image_in_batch", "reference/constant_logits"],
     [[0, 1, 2], [3, 4], [5, 6]]),
    ("two_stacks_maps_two_chunks", ["golden/tag_maps_gathered", "golden/tag_maps_gathered"], [[0, 1], [2, 3]]),
    ("many_objects_two_chunks", ["reference/many_objects", "reference/many_objects"], [[0, 2], [1, 3]]),
    ("coco_like_one_image_chunks", ["reference/coco_like"], [[0], [1]]),
]

out = []
for name, sources, chunks in SPLITS:
    loaded = [load(s) for s in sources]
    a = concat([l[0] for l in loaded])
    w = loaded[0][1]["weights"]
    weights = (w["pull"], w["push"], w["regr"])
    terms = [chunk_terms(a, c, weights) for c in chunks]
    mean = {k: float(np.mean([t[k] for t in terms])) for k in ("loss", "focal", "pull", "push", "regr")}
    out.append(dict(name=name, sources=sources, weights=w, chunks=chunks, terms=terms, mean=mean))
    print(name, [round(t["loss"], 6) for t in terms], round(mean["loss"], 6))
json.dump(dict(
    provenance="testdata/chunks/generate.py: the loss functions of princeton-vl/CornerNet at e5c39a3 under PyTorch " + torch.__version__ + " (float32, CPU)",
    splits=out), open(os.path.join(here, "chunks.json"), "w"), indent=1)
