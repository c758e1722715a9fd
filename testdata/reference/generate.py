"""Regenerate the reference cases in this directory.

    /usr/bin/python3 generate.py /path/to/CornerNet

Runs the loss functions of the reference itself (princeton-vl/CornerNet:
_sigmoid, _neg_loss, _ae_loss and _regr_loss from models/py_utils/kp_utils.py)
and its target drawing (gaussian_radius and draw_gaussian from sample/utils.py,
the fixed 2019 version) under PyTorch 1.13 in float32, and writes CASE.npz
(the dump) and CASE.json (what the reference computed), in the layout of
testdata/golden. The reference code is imported from the checkout given, not
copied here. Needs numpy and torch (Debian bookworm: python3-numpy,
python3-torch 1.13.1).
"""
import json, math, os, sys

import numpy as np
import torch

from cornernet import reference

kp, su = reference(sys.argv[1] if len(sys.argv) > 1 else ".")
out = os.path.dirname(os.path.abspath(__file__))

def loss_terms(outs, targets, pull_weight, push_weight, regr_weight):
    """AELoss.forward (models/py_utils/kp.py), term by term: each weighted and
    divided by the number of stacks, so the loss is their sum."""
    tl_heats = [kp._sigmoid(t) for t in outs[0::6]]
    br_heats = [kp._sigmoid(b) for b in outs[1::6]]
    gt_tl_heat, gt_br_heat, gt_mask, gt_tl_regr, gt_br_regr = targets
    focal = kp._neg_loss(tl_heats, gt_tl_heat) + kp._neg_loss(br_heats, gt_br_heat)
    pull = push = regr = 0
    for tl_tag, br_tag in zip(outs[2::6], outs[3::6]):
        pl, ps = kp._ae_loss(tl_tag, br_tag, gt_mask)
        pull, push = pull + pl, push + ps
    for tl_regr, br_regr in zip(outs[4::6], outs[5::6]):
        regr = regr + kp._regr_loss(tl_regr, gt_tl_regr, gt_mask) + kp._regr_loss(br_regr, gt_br_regr, gt_mask)
    n = len(tl_heats)
    f = lambda v: float(v) / n if torch.is_tensor(v) else 0.0
    focal, pull, push, regr = f(focal), f(pull_weight * pull), f(push_weight * push), f(regr_weight * regr)
    return focal + pull + push + regr, focal, pull, push, regr

def sample_targets(images, input_size, output_size, categories, gaussian_iou=0.3, max_tag_len=128):
    """kp_detection's target drawing (sample/coco.py) for boxes already clipped."""
    B = len(images)
    tl = np.zeros((B, categories, output_size[0], output_size[1]), dtype=np.float32)
    br = np.zeros_like(tl)
    tl_regrs = np.zeros((B, max_tag_len, 2), dtype=np.float32)
    br_regrs = np.zeros_like(tl_regrs)
    tl_tags = np.zeros((B, max_tag_len), dtype=np.int64)
    br_tags = np.zeros_like(tl_tags)
    masks = np.zeros((B, max_tag_len), dtype=np.uint8)
    wr, hr = output_size[1] / input_size[1], output_size[0] / input_size[0]
    for b, dets in enumerate(images):
        for ind, d in enumerate(dets):
            fxtl, fytl, fxbr, fybr = d[0] * wr, d[1] * hr, d[2] * wr, d[3] * hr
            xtl, ytl, xbr, ybr = int(fxtl), int(fytl), int(fxbr), int(fybr)
            w, h = math.ceil((d[2] - d[0]) * wr), math.ceil((d[3] - d[1]) * hr)
            r = max(0, int(su.gaussian_radius((h, w), gaussian_iou)))
            su.draw_gaussian(tl[b, int(d[4])], [xtl, ytl], r)
            su.draw_gaussian(br[b, int(d[4])], [xbr, ybr], r)
            tl_regrs[b, ind, :] = [fxtl - xtl, fytl - ytl]
            br_regrs[b, ind, :] = [fxbr - xbr, fybr - ybr]
            tl_tags[b, ind] = ytl * output_size[1] + xtl
            br_tags[b, ind] = ybr * output_size[1] + xbr
            masks[b, ind] = 1
    return tl, br, masks, tl_regrs, br_regrs, tl_tags, br_tags

rng = np.random.default_rng(2026)

def boxes_for(n, in_h, in_w, C, min_side=8, max_side=None):
    out = []
    max_side = max_side or min(in_h, in_w) * 0.8
    for _ in range(n):
        w = rng.uniform(min_side, max_side); h = rng.uniform(min_side, max_side)
        x0 = rng.uniform(0, in_w - 1 - w); y0 = rng.uniform(0, in_h - 1 - h)
        out.append([x0, y0, min(x0 + w, in_w - 1.0), min(y0 + h, in_h - 1.0), int(rng.integers(C))])
    return out

def make_case(name, S, images, in_size, out_size, C, weights=(0.1, 0.1, 1.0), logit=None, tags=None,
              maps=False, K=128, note=None, dup_one=False):
    H, W = out_size
    gt_tl, gt_br, mask, gtr_tl, gtr_br, tl_inds, br_inds = sample_targets(images, in_size, out_size, C, max_tag_len=K)
    B = len(images)
    logit = logit or (lambda y, shape: rng.normal(-4, 2, size=shape) + 6 * (y == 1))
    heats = [np.stack([logit(g, g.shape).astype(np.float32) for _ in range(S)]) for g in (gt_tl, gt_br)]
    counts = [len(d) for d in images]
    arrays = {}
    if maps:
        tagmaps = [rng.normal(0, 1.5, size=(S, B, 1, H, W)).astype(np.float32) for _ in range(2)]
        regmaps = [rng.uniform(-0.2, 1.2, size=(S, B, 2, H, W)).astype(np.float32) for _ in range(2)]
    else:
        tg = []
        for c in range(2):
            t = np.zeros((S, B, K, 1), dtype=np.float32)
            for s in range(S):
                for b in range(B):
                    for k in range(counts[b]):
                        t[s, b, k, 0] = tags(b, k, c) if tags else rng.normal(1.2 * k, 0.3)
            tg.append(t)
        rg = []
        for c in range(2):
            r = np.zeros((S, B, K, 2), dtype=np.float32)
            for s in range(S):
                for b in range(B):
                    r[s, b, :counts[b]] = rng.uniform(-0.3, 1.3, size=(counts[b], 2))
            rg.append(r)
    outs = []
    for s in range(S):
        if maps:
            def gather(m, ind):
                f = torch.from_numpy(m[s]).permute(0, 2, 3, 1).contiguous()
                f = f.view(f.size(0), -1, f.size(3))
                i = torch.from_numpy(ind).unsqueeze(2).expand(ind.shape[0], ind.shape[1], f.size(2))
                return f.gather(1, i)
            outs += [torch.from_numpy(heats[0][s].copy()), torch.from_numpy(heats[1][s].copy()),
                     gather(tagmaps[0], tl_inds), gather(tagmaps[1], br_inds),
                     gather(regmaps[0], tl_inds), gather(regmaps[1], br_inds)]
        else:
            outs += [torch.from_numpy(heats[0][s].copy()), torch.from_numpy(heats[1][s].copy()),
                     torch.from_numpy(tg[0][s]), torch.from_numpy(tg[1][s]),
                     torch.from_numpy(rg[0][s]), torch.from_numpy(rg[1][s])]
    tgts = [torch.from_numpy(x) for x in (gt_tl, gt_br, mask, gtr_tl, gtr_br)]
    if B == 1:
        # The reference crashes on B = 1 (squeeze): take its value on the image duplicated, pull and push halved.
        d = lambda t: torch.cat([t, t], 0)
        _, focal, pull, push, regr = loss_terms([d(o) for o in outs], [d(t) for t in tgts], *weights)
        pull, push = pull / 2, push / 2
        loss = focal + pull + push + regr
        note = (note + "; " if note else "") + "batch of one: reference value taken on the image duplicated, pull and push halved"
    else:
        loss, focal, pull, push, regr = loss_terms(outs, tgts, *weights)
    arrays = dict(tl_heats=heats[0], br_heats=heats[1], gt_tl_heat=gt_tl, gt_br_heat=gt_br, gt_mask=mask,
                  gt_tl_regr=gtr_tl, gt_br_regr=gtr_br, tl_inds=tl_inds, br_inds=br_inds)
    if maps:
        arrays.update(tl_tags=tagmaps[0], br_tags=tagmaps[1], tl_regrs=regmaps[0], br_regrs=regmaps[1])
    else:
        arrays.update(tl_tags=tg[0], br_tags=tg[1], tl_regrs=rg[0], br_regrs=rg[1])
    np.savez_compressed(os.path.join(out, name + ".npz"), **arrays)
    meta = dict(loss=loss, focal=focal, pull=pull, push=push, regr=regr, nstack=S,
                weights=dict(pull=weights[0], push=weights[1], regr=weights[2]),
                shape=dict(B=B, C=C, H=H, W=W, S=S, K=K, objects=counts),
                boxes=images,
                target_params=dict(input_size=list(in_size), output_size=list(out_size), gaussian_iou=0.3,
                                   gaussian_radius=-1, max_tag_len=K, categories=C))
    if note:
        meta["note"] = note
    json.dump(meta, open(os.path.join(out, name + ".json"), "w"), indent=1)
    print(name, loss, focal, pull, push, regr)


make_case("many_objects", 2, [boxes_for(120, 160, 160, 6), boxes_for(60, 160, 160, 6)], (160, 160), (40, 40), 6,
          tags=lambda b, k, c: (0.3 * k if b == 0 else 1.5 * k) + rng.normal(0, 0.2))
make_case("no_objects_at_all", 2, [[], [], []], (96, 128), (24, 32), 4,
          logit=lambda y, shape: rng.normal(-3, 1.5, size=shape))
def extreme(y, shape):
    x = np.where(rng.uniform(size=shape) < 0.97, -40.0, 40.0)
    x = np.where(y == 1, np.where(rng.uniform(size=shape) < 0.5, 40.0, -40.0), x)
    near = rng.uniform(size=shape) < 0.02
    return np.where(near, rng.choice([-9.2103, -9.21, 9.2103, 9.21, -100.0, 100.0], size=shape), x)
make_case("extreme_logits", 2, [boxes_for(5, 128, 128, 3), boxes_for(3, 128, 128, 3)], (128, 128), (32, 32), 3, logit=extreme)
make_case("three_stacks_nonsquare", 3, [boxes_for(4, 96, 160, 3), boxes_for(6, 96, 160, 3)], (96, 160), (24, 40), 3)
make_case("other_weights", 1, [boxes_for(3, 128, 128, 3), boxes_for(4, 128, 128, 3)], (128, 128), (32, 32), 3,
          weights=(1.0, 0.5, 2.0), tags=lambda b, k, c: 0.4 * k + rng.normal(0, 0.3))
make_case("batch_of_one_empty", 2, [[]], (64, 64), (16, 16), 2, logit=lambda y, shape: rng.normal(-5, 2, size=shape))
make_case("batch_of_one_many", 1, [boxes_for(10, 128, 128, 4)], (128, 128), (32, 32), 4,
          tags=lambda b, k, c: 0.5 * k + rng.normal(0, 0.3))
make_case("constant_logits", 1, [boxes_for(3, 128, 128, 3), boxes_for(2, 128, 128, 3)], (128, 128), (32, 32), 3,
          logit=lambda y, shape: np.full(shape, -7.0))
make_case("tag_maps_three_stacks", 3, [boxes_for(4, 128, 160, 3), boxes_for(2, 128, 160, 3)], (128, 160), (32, 40), 3, maps=True)
make_case("coco_like", 2, [boxes_for(12, 256, 256, 10), boxes_for(12, 256, 256, 10)], (256, 256), (64, 64), 10,
          logit=lambda y, shape: rng.normal(-4.6, 1.5, size=shape) + 5 * (y == 1))
make_case("one_object_images", 2, [boxes_for(1, 128, 128, 2), boxes_for(1, 128, 128, 2), []], (128, 128), (32, 32), 2,
          weights=(1.0, 1.0, 1.0))
