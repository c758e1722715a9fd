"""Measure what assets/dump_step.py costs per image at COCO scale.

    /usr/bin/python3 assets/dump_cost.py [batch]

CornerNet's hourglass-104 on COCO: 2 stacks, 80 classes, 128x128 output
maps, max_tag_len 128. Tensors are made on the CPU (a GPU run adds the
device-to-host copy), logits ~ N(-2.19, 1) as at initialisation (the heat
bias is -2.19), targets with 8 Gaussian corners per image and class map
mostly zero, as the sampler draws them. Prints, per image, the time of
step_arrays (the copies to NumPy) and of write_atomic with and without
compression, and the bytes written.
"""
import os, sys, tempfile, time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dump_step import step_arrays, write_atomic

B = int(sys.argv[1]) if len(sys.argv) > 1 else 2
S, C, H, W, K = 2, 80, 128, 128, 128
torch.manual_seed(0)
preds = []
for _ in range(S):
    preds += [torch.randn(B, C, H, W) - 2.19, torch.randn(B, C, H, W) - 2.19,
              torch.randn(B, K, 1), torch.randn(B, K, 1), torch.rand(B, K, 2), torch.rand(B, K, 2)]
gt = [torch.zeros(B, C, H, W), torch.zeros(B, C, H, W)]
yy, xx = torch.meshgrid(torch.arange(H), torch.arange(W), indexing="ij")
for g in gt:
    for b in range(B):
        for k in range(8):
            cy, cx, c = np.random.randint(H), np.random.randint(W), np.random.randint(C)
            g[b, c] = torch.maximum(g[b, c], torch.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 2.0 ** 2)))
mask = torch.zeros(B, K, dtype=torch.uint8)
mask[:, :8] = 1
inds = torch.randint(0, H * W, (B, K))
xs = [None, inds, inds]
ys = [gt[0], gt[1], mask, torch.rand(B, K, 2), torch.rand(B, K, 2)]

def best(f, n=3):
    t = []
    for _ in range(n):
        t0 = time.perf_counter(); f(); t.append(time.perf_counter() - t0)
    return min(t)

with tempfile.TemporaryDirectory() as d:
    t_arrays = best(lambda: step_arrays(xs, preds, ys))
    arrays = step_arrays(xs, preds, ys)
    raw = sum(a.nbytes for a in arrays.values())
    print("S=%d B=%d C=%d %dx%d K=%d, torch %s, %d threads" % (S, B, C, H, W, K, torch.__version__, torch.get_num_threads()))
    print("step_arrays: %.3f s per image; arrays %.1f MB per image" % (t_arrays / B, raw / B / 1e6))
    for compress in (True, False):
        p = os.path.join(d, "step.npz")
        t = best(lambda: write_atomic(p, arrays, compress))
        print("write_atomic compress=%s: %.3f s per image, %.1f MB per image" % (compress, t / B, os.path.getsize(p) / B / 1e6))
