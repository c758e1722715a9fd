"""Regenerate the mmdet cases in this directory.

    /usr/bin/python3 generate.py /path/to/mmdetection   # a tree at cfd5d3a985b0249de009b67d04f37263e11cdf3d

Runs mmdetection's own CornerHead loss (mmdet/models/dense_heads/corner_head.py:
loss_by_feat, get_targets, loss_by_feat_single; mmdet/models/losses/
gaussian_focal_loss.py, ae_loss.py, smooth_l1_loss.py, utils.py;
mmdet/models/utils/gaussian_target.py and misc.py's multi_apply) under
PyTorch 1.13 in float32, imported unchanged from the tree given (never copied
here), and writes CASE.npz (a dump in our schema) and CASE.json (what
mmdetection computed). mmengine and mmcv cannot be installed here, so the
imports the loss does not use are stubbed (see README.md).
"""
import importlib.util, json, os, re, sys, types
from typing import Any

import numpy as np
import torch
import torch.nn as nn

COMMIT = "cfd5d3a985b0249de009b67d04f37263e11cdf3d"
root = sys.argv[1] if len(sys.argv) > 1 else "."
out = os.path.dirname(os.path.abspath(__file__))


# ---- shims: only what the loss path imports but does not compute with ----

def stub(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    m.__path__ = []  # a package, so submodules resolve
    sys.modules[name] = m
    return m


class Registry:
    """mmengine's Registry, reduced to register and build: build(dict(type=T,
    **kw)) is T(**kw), as mmengine's build_from_cfg does for a class."""
    def __init__(self):
        self.classes = {}

    def register_module(self, name=None, force=False, module=None):
        def register(cls):
            self.classes[cls.__name__] = cls
            return cls
        return register

    def build(self, cfg):
        cfg = dict(cfg)
        return self.classes[cfg.pop("type")](**cfg)


class BaseModule(nn.Module):
    def __init__(self, init_cfg=None):
        super().__init__()


class InstanceData(types.SimpleNamespace):
    pass


def unused(*a, **k):
    raise RuntimeError("not part of the loss path")


MODELS = Registry()
stub("mmengine")
stub("mmengine.config", ConfigDict=dict)
stub("mmengine.model", BaseModule=BaseModule, bias_init_with_prob=unused)
stub("mmengine.structures", InstanceData=InstanceData)
stub("mmengine.utils",  # misc.py compares the torch version at import
     digit_version=lambda v: tuple(int(x) for x in re.findall(r"\d+", v)[:3]))
stub("mmcv")
stub("mmcv.cnn", ConvModule=unused)
stub("mmcv.ops", CornerPool=unused, batched_nms=unused)
stub("mmdet", __path__=[os.path.join(root, "mmdet")])
stub("mmdet.registry", MODELS=MODELS)
stub("mmdet.utils", ConfigType=Any, InstanceList=Any, OptConfigType=Any, OptInstanceList=Any,
     OptMultiConfig=Any)
stub("mmdet.structures", SampleList=Any)
stub("mmdet.structures.bbox", BaseBoxes=object, get_box_type=unused, stack_boxes=unused)
stub("mmdet.structures.mask", BitmapMasks=object, PolygonMasks=object)
stub("mmdet.models")
stub("mmdet.models.losses")
stub("mmdet.models.dense_heads")
stub("mmdet.models.dense_heads.base_dense_head", BaseDenseHead=BaseModule)


def load(rel, name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(root, rel))
    mod = importlib.util.module_from_spec(spec)
    mod.__package__ = name.rpartition(".")[0]
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


load("mmdet/models/losses/utils.py", "mmdet.models.losses.utils")
load("mmdet/models/losses/gaussian_focal_loss.py", "mmdet.models.losses.gaussian_focal_loss")
load("mmdet/models/losses/ae_loss.py", "mmdet.models.losses.ae_loss")
load("mmdet/models/losses/smooth_l1_loss.py", "mmdet.models.losses.smooth_l1_loss")
gt = load("mmdet/models/utils/gaussian_target.py", "mmdet.models.utils.gaussian_target")
misc = load("mmdet/models/utils/misc.py", "mmdet.models.utils.misc")
mutils = sys.modules.setdefault("mmdet.models.utils", stub("mmdet.models.utils"))
for n in ("gather_feat", "gaussian_radius", "gen_gaussian_target", "get_local_maximum",
          "get_topk_from_heatmap", "transpose_and_gather_feat"):
    setattr(mutils, n, getattr(gt, n))
mutils.multi_apply = misc.multi_apply
ch = load("mmdet/models/dense_heads/corner_head.py", "mmdet.models.dense_heads.corner_head")


class Record:
    """Wraps a loss module and keeps what each call returned, so the
    per-corner terms are read off loss_by_feat_single as it runs."""
    def __init__(self, f):
        self.f, self.out = f, []

    def __call__(self, *a, **k):
        v = self.f(*a, **k)
        self.out.append(v)
        return v


def make_head(C, S, weights, alpha, gamma):
    """A CornerHead with the attributes its __init__ sets for the loss (the
    conv layers are not built: mmcv is absent and the loss never uses them)."""
    head = ch.CornerHead.__new__(ch.CornerHead)
    nn.Module.__init__(head)
    head.num_classes, head.num_feat_levels = C, S
    head.corner_emb_channels, head.with_corner_emb = 1, True
    head.loss_heatmap = Record(MODELS.build(dict(type="GaussianFocalLoss", alpha=alpha, gamma=gamma, loss_weight=1)))
    head.loss_embedding = MODELS.build(dict(type="AssociativeEmbeddingLoss", pull_weight=weights[0],
                                            push_weight=weights[1]))
    head.loss_offset = Record(MODELS.build(dict(type="SmoothL1Loss", beta=1.0, loss_weight=weights[2])))
    return head


def parse_losses(losses):
    """mmengine's BaseModel.parse_losses: each list over feature levels is
    summed (of each tensor's mean), and loss is the sum of the keys holding
    'loss'."""
    log = {k: sum(v.mean() for v in vs) for k, vs in losses.items()}
    return float(sum(v for k, v in log.items() if "loss" in k)), {k: float(v) for k, v in log.items()}


def result(head, losses, S):
    loss, log = parse_losses(losses)
    det, off = head.loss_heatmap.out, head.loss_offset.out
    per_stack = [dict(tl_det=float(det[2 * s]), br_det=float(det[2 * s + 1]), det=float(losses["det_loss"][s]),
                      pull=float(losses["pull_loss"][s]), push=float(losses["push_loss"][s]),
                      tl_off=float(off[2 * s]), br_off=float(off[2 * s + 1]), off=float(losses["off_loss"][s]))
                 for s in range(S)]
    return dict(loss=loss, focal=log["det_loss"], pull=log["pull_loss"], push=log["push_loss"],
                regr=log["off_loss"], per_stack=per_stack)


rng = np.random.default_rng(7)
f32 = lambda a: np.asarray(a, dtype=np.float32)


def save(name, arrays, res, meta):
    np.savez_compressed(os.path.join(out, name + ".npz"), **arrays)
    meta = dict(res, **meta, mmdetection_commit=COMMIT)
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    print(name, res["loss"], res["focal"], res["pull"], res["push"], res["regr"])


def box_case(name, S, images, in_size, out_size, C, weights=(0.1, 0.1, 1.0), alpha=2.0, gamma=4.0,
             logit=None, maps=False, K=32, note=None):
    """Boxes through mmdetection's loss_by_feat (its get_targets draws the
    targets); the dump holds those targets, the match list as indices and
    mask, and the maps gathered at the indices (or whole, with maps)."""
    H, W = out_size
    B = len(images)
    head = make_head(C, S, weights, alpha, gamma)
    bboxes = [torch.tensor([d[:4] for d in im], dtype=torch.float32).reshape(-1, 4) for im in images]
    labels = [torch.tensor([d[4] for d in im], dtype=torch.int64) for im in images]
    t = head.get_targets(bboxes, labels, (B, C, H, W), in_size, with_corner_emb=True)
    gt_heat = [t["topleft_heatmap"].numpy(), t["bottomright_heatmap"].numpy()]
    logit = logit or (lambda y: rng.normal(-4, 2, size=y.shape) + 6 * (y == 1))
    heats = [f32([logit(g) for _ in range(S)]) for g in gt_heat]
    tag_maps = [f32(rng.normal(0, 1.2, size=(S, B, 1, H, W))) for _ in range(2)]
    off_maps = [f32(rng.uniform(-0.3, 1.3, size=(S, B, 2, H, W))) for _ in range(2)]
    for c in range(2):  # give each object's corners tags near 0.6·k: pulls and pushes both at work
        for b, im in enumerate(images):
            for k, m in enumerate(t["corner_embedding"][b]):
                y, x = m[c]
                tag_maps[c][:, b, 0, y, x] = 0.6 * k + rng.normal(0, 0.3, size=S)
    # Our schema: slot k of image b is box k; its target offset is what
    # get_targets writes for that box alone (the dense map keeps the last box).
    mask = np.zeros((B, K), np.uint8)
    inds = [np.zeros((B, K), np.int64) for _ in range(2)]
    gt_regr = [np.zeros((B, K, 2), np.float32) for _ in range(2)]
    for b, im in enumerate(images):
        for k, m in enumerate(t["corner_embedding"][b]):
            one = head.get_targets([bboxes[b][k:k + 1]], [labels[b][k:k + 1]], (1, C, H, W), in_size)
            mask[b, k] = 1
            for c, key in enumerate(("topleft_offset", "bottomright_offset")):
                y, x = m[c]
                inds[c][b, k] = y * W + x
                gt_regr[c][b, k] = one[key][0, :, y, x].numpy()
    losses = head.loss_by_feat(
        [torch.from_numpy(heats[0][s]) for s in range(S)], [torch.from_numpy(heats[1][s]) for s in range(S)],
        [torch.from_numpy(tag_maps[0][s]) for s in range(S)], [torch.from_numpy(tag_maps[1][s]) for s in range(S)],
        [torch.from_numpy(off_maps[0][s]) for s in range(S)], [torch.from_numpy(off_maps[1][s]) for s in range(S)],
        [InstanceData(bboxes=bboxes[b], labels=labels[b]) for b in range(B)],
        [dict(batch_input_shape=in_size) for _ in range(B)])
    res = result(head, losses, S)
    arrays = dict(tl_heats=heats[0], br_heats=heats[1], gt_tl_heat=gt_heat[0], gt_br_heat=gt_heat[1],
                  gt_mask=mask, gt_tl_regr=gt_regr[0], gt_br_regr=gt_regr[1], tl_inds=inds[0], br_inds=inds[1])
    if maps:
        arrays.update(tl_tags=tag_maps[0], br_tags=tag_maps[1], tl_regrs=off_maps[0], br_regrs=off_maps[1])
    else:
        def gather(m, ind, d):  # [S,B,d,H,W] at [B,K] -> [S,B,K,d]
            f = m.reshape(S, B, d, H * W)
            return f32(np.take_along_axis(f, np.broadcast_to(ind[None, :, None, :], (S, B, d, K)), 3).transpose(0, 1, 3, 2))
        arrays.update(tl_tags=gather(tag_maps[0], inds[0], 1), br_tags=gather(tag_maps[1], inds[1], 1),
                      tl_regrs=gather(off_maps[0], inds[0], 2), br_regrs=gather(off_maps[1], inds[1], 2))
    meta = dict(nstack=S, weights=dict(pull=weights[0], push=weights[1], regr=weights[2]), alpha=alpha,
                gamma=gamma, shape=dict(B=B, C=C, H=H, W=W, S=S, K=K, objects=[len(im) for im in images]),
                boxes=images, input_size=list(in_size),
                how="boxes through CornerHead.loss_by_feat (get_targets, multi_apply, loss_by_feat_single)")
    if note:
        meta["note"] = note
    save(name, arrays, res, meta)


def dump_case(name, src, weights=(0.1, 0.1, 1.0), alpha=2.0, gamma=4.0, note=None):
    """A dump in our schema through loss_by_feat_single, level by level, with
    the targets dict get_targets would return for it: the dump's heatmap
    targets, dense offset targets written slot after slot (a later slot on a
    pixel overwrites, as a later box does), and one match entry per valid
    slot. Gathered tags become a 1×K map with slot k at (0, k), so each
    entry reads its own tag; gathered offsets are written into a dense map
    slot after slot like the targets. Maps in the dump are used as they are."""
    z = dict(np.load(src))
    h = z["tl_heats"]
    if h.ndim == 4:
        h = h[None]
    S, B, C, H, W = h.shape
    K = z["gt_mask"].shape[1]
    head = make_head(C, S, weights, alpha, gamma)
    valid = [[k for k in range(K) if z["gt_mask"][b, k]] for b in range(B)]
    level = {c: [] for c in ("heat", "emb", "off")}
    heats = [f32(z[p + "_heats"]).reshape(S, B, C, H, W) for p in ("tl", "br")]
    inds = [z["tl_inds"], z["br_inds"]]
    gt_off = [torch.zeros(B, 2, H, W) for _ in range(2)]
    for c, p in enumerate(("tl", "br")):
        for b in range(B):
            for k in valid[b]:
                y, x = divmod(int(inds[c][b, k]), W)
                gt_off[c][b, :, y, x] = torch.from_numpy(f32(z["gt_%s_regr" % p][b, k]))
    tags_are_maps = z["tl_tags"].ndim == 5 and z["tl_tags"].shape[-2:] == (H, W)
    regrs_are_maps = z["tl_regrs"].ndim == 5 and z["tl_regrs"].shape[-2:] == (H, W)
    if tags_are_maps:
        match = [[[list(divmod(int(inds[0][b, k]), W)), list(divmod(int(inds[1][b, k]), W))] for k in valid[b]]
                 for b in range(B)]
    else:
        match = [[[[0, k], [0, k]] for k in valid[b]] for b in range(B)]
    targets = dict(topleft_heatmap=torch.from_numpy(f32(z["gt_tl_heat"])),
                   bottomright_heatmap=torch.from_numpy(f32(z["gt_br_heat"])),
                   topleft_offset=gt_off[0], bottomright_offset=gt_off[1], corner_embedding=match)
    args = [[] for _ in range(6)]
    for s in range(S):
        for c, p in enumerate(("tl", "br")):
            args[c].append(torch.from_numpy(heats[c][s].copy()))
            if tags_are_maps:
                e = torch.from_numpy(f32(z[p + "_tags"][s]))
            else:
                e = torch.from_numpy(f32(z[p + "_tags"]).reshape(S, B, K)[s]).reshape(B, 1, 1, K)
            args[2 + c].append(e)
            if regrs_are_maps:
                o = torch.from_numpy(f32(z[p + "_regrs"][s]))
            else:
                o = torch.zeros(B, 2, H, W)
                r = f32(z[p + "_regrs"]).reshape(S, B, K, 2)
                for b in range(B):
                    for k in valid[b]:
                        y, x = divmod(int(inds[c][b, k]), W)
                        o[b, :, y, x] = torch.from_numpy(r[s, b, k])
            args[4 + c].append(o)
    det, pull, push, off = ch.multi_apply(head.loss_by_feat_single, *args, [targets] * S)
    res = result(head, dict(det_loss=det, off_loss=off, pull_loss=pull, push_loss=push), S)
    meta = dict(nstack=S, weights=dict(pull=weights[0], push=weights[1], regr=weights[2]), alpha=alpha,
                gamma=gamma, shape=dict(B=B, C=C, H=H, W=W, S=S, K=K, objects=[len(v) for v in valid]),
                how="dump through CornerHead.loss_by_feat_single per level (multi_apply), targets from the dump")
    if note:
        meta["note"] = note
    meta["dump"] = os.path.relpath(src, out)  # the dump is not copied
    meta = dict(res, **meta, mmdetection_commit=COMMIT)
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    print(name, res["loss"], res["focal"], res["pull"], res["push"], res["regr"])


def boxes(n, in_h, in_w, C, lo=6, hi=None):
    hi = hi or min(in_h, in_w) * 0.7
    outb = []
    for _ in range(n):
        w, h = rng.uniform(lo, hi), rng.uniform(lo, hi)
        x0, y0 = rng.uniform(0, in_w - 1 - w), rng.uniform(0, in_h - 1 - h)
        outb.append([float(x0), float(y0), float(x0 + w), float(y0 + h), int(rng.integers(C))])
    return outb


# Several boxes ending on one output pixel (stride 4: 100..103 → pixel 25),
# of the same class and of different classes, plus ones sharing a top-left.
shared = [[10.0, 12.0, 101.0, 102.5, 0], [30.5, 40.0, 100.2, 103.9, 0], [50.0, 20.0, 102.7, 100.1, 1],
          [11.0, 13.5, 60.0, 70.0, 2], [70.0, 8.0, 120.0, 40.0, 1]]
box_case("shared_corners", 2, [shared, boxes(3, 128, 128, 3) + [[9.0, 12.5, 101.5, 103.0, 2], [40.0, 50.0, 100.9, 101.0, 2]]],
         (128, 128), (32, 32), 3, note="three boxes end on pixel (25, 25) of image 0 (classes 0, 0, 1); "
         "two share a top-left pixel (2, 3) (classes 0, 2); image 1 has two boxes on one br pixel")
box_case("shared_corners_maps", 1, [shared, shared[:2]], (128, 128), (32, 32), 3, maps=True,
         note="as shared_corners with tags and offsets as maps")
box_case("no_objects", 2, [[], []], (96, 128), (24, 32), 4, logit=lambda y: rng.normal(-3, 1.5, size=y.shape))
box_case("one_object", 1, [boxes(1, 128, 128, 2), boxes(1, 128, 128, 2)], (128, 128), (32, 32), 2)
box_case("three_stacks_nonsquare", 3, [boxes(4, 96, 160, 3), boxes(6, 96, 160, 3)], (96, 160), (24, 40), 3)
box_case("maps_three_stacks", 3, [boxes(4, 96, 128, 3), boxes(2, 96, 128, 3)], (96, 128), (24, 32), 3,
         maps=True)


def extreme(y):
    """1 − p rounds to 0 in float32 from logit ≈ 16.6 (no clamp: the 1e-12
    inside the log is all that is left), p + 1e-12 rounds to 1e-12 far
    below; logits around 10–12 where 1e-12 starts to move 1 − p."""
    x = np.where(rng.uniform(size=y.shape) < 0.9, rng.uniform(-40, 0, size=y.shape), rng.uniform(0, 40, size=y.shape))
    x = np.where(y == 1, rng.choice([-40.0, -20.0, -9.3, 9.3, 20.0, 40.0], size=y.shape), x)
    near = rng.uniform(size=y.shape) < 0.05
    return np.where(near, rng.choice([-100.0, -17.4, -17.3, 10.3, 10.5, 11.0, 12.0, 16.7, 17.0, 100.0],
                                     size=y.shape), x)


box_case("extreme_logits", 2, [boxes(5, 128, 128, 3), boxes(3, 128, 128, 3)], (128, 128), (32, 32), 3, logit=extreme)
box_case("other_weights", 1, [boxes(3, 128, 128, 3), boxes(4, 128, 128, 3)], (128, 128), (32, 32), 3,
         weights=(1.0, 0.5, 2.0), alpha=1.5, gamma=3.0)
box_case("batch_of_one", 2, [boxes(6, 128, 128, 4)], (128, 128), (32, 32), 4)
box_case("constant_logits", 1, [boxes(3, 128, 128, 3), boxes(2, 128, 128, 3)], (128, 128), (32, 32), 3,
         logit=lambda y: np.full(y.shape, -7.0))
box_case("coco_like", 1, [boxes(12, 192, 192, 8), boxes(12, 192, 192, 8)], (192, 192), (48, 48), 8,
         logit=lambda y: rng.normal(-4.6, 1.5, size=y.shape) + 5 * (y == 1))

# Positives that no valid slot points at: the dump's mask leaves out boxes
# whose targets stay, so mmdetection's offset mask holds pixels with target
# offset 0, and (maps) the predicted map's value there.
for src, name in (("shared_corners_maps", "unowned_pixels_maps"), ("shared_corners", "unowned_pixels")):
    z = dict(np.load(os.path.join(out, src + ".npz")))
    z["gt_mask"][0, 4] = z["gt_mask"][1, 0] = 0
    np.savez_compressed(os.path.join(out, name + ".npz"), **z)
    dump_case(name, os.path.join(out, name + ".npz"), note="%s with slot 4 of image 0 and slot 0 of image 1 "
              "left out of gt_mask, their targets kept" % src)

golden = os.path.join(os.path.dirname(out), "golden")
for g in sorted(os.listdir(golden)):
    if g.endswith(".npz"):
        w = json.load(open(os.path.join(golden, g[:-4] + ".json")))["weights"]
        dump_case("golden_" + g[:-4], os.path.join(golden, g), weights=(w["pull"], w["push"], w["regr"]),
                  note="the public golden dump (its weights), evaluated by mmdetection")
