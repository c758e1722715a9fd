"""Save CornerNet training steps in the schema cornerloss reads.

Make one StepDumper and call it in Network.forward (nnet/py_factory.py),
between the model and the loss:

    from dump_step import StepDumper
    dump = StepDumper("dumps", every=500)     # module level: one per run

    class Network(nn.Module):
        def forward(self, xs, ys, **kwargs):
            preds = self.model(*xs, **kwargs)
            dump(self, xs, preds, ys)         # before the loss: see below
            loss  = self.loss(preds, ys, **kwargs)
            return loss

What it does about CornerNet's training loop:

* Every N iterations: it counts the training calls of each device, so the
  file of iteration i is written when i % every == 0 (start_iter: the
  iteration training resumes from, as train.py's --iter). Set
  dump.iteration from train.py's loop instead to use its own count.
* Training calls only: nnet.validate runs the same forward with the network
  in eval mode (self.training False); those calls are skipped, or, with
  validation=True, written to a val/ subfolder, apart from the run.
* Several GPUs: CornerNet's DataParallel runs Network.forward once per GPU,
  in parallel threads, each on its chunk of the batch. Each device writes
  its own file, step_00004500_chunk1.npz, with the device index in the
  scalar array chunk; cornerloss opens the files of one step together and
  shows the mean of the chunks' losses, as training prints it.
* Atomically: each file is written under a hidden temporary name in the
  same folder, then renamed, so `cornerloss serve -dumps` and the page
  never see half a file.
* The step: the iteration is stored in the scalar array step.

Dump before the loss: its _sigmoid() calls sigmoid_() in place, so
afterwards the heat tensors hold probabilities, not logits (cornerloss
warns when every heat value lies in [0, 1]).
"""
import os
import threading

import numpy as np
import torch


def step_arrays(xs, preds, ys):
    """The schema's arrays of one training step, as NumPy arrays.

    xs:    [images, tl_inds, br_inds], the batch's inputs
    preds: what model(*xs) returns in training: six tensors per stack,
           tl_heat, br_heat, tl_tag, br_tag, tl_regr, br_regr
           (tags and offsets already gathered at tl_inds / br_inds)
    ys:    [gt_tl_heat, gt_br_heat, gt_mask, gt_tl_regr, gt_br_regr]
    """
    def f32(t):
        return t.detach().float().cpu().numpy()

    def per_stack(i):
        return np.stack([f32(p) for p in preds[i::6]])

    return dict(
        tl_heats=per_stack(0), br_heats=per_stack(1),  # [S, B, C, H, W] logits
        tl_tags=per_stack(2), br_tags=per_stack(3),    # [S, B, K, 1]
        tl_regrs=per_stack(4), br_regrs=per_stack(5),  # [S, B, K, 2]
        gt_tl_heat=f32(ys[0]), gt_br_heat=f32(ys[1]),  # [B, C, H, W]
        gt_mask=ys[2].cpu().numpy().astype(np.uint8),  # [B, K]
        gt_tl_regr=f32(ys[3]), gt_br_regr=f32(ys[4]),  # [B, K, 2]
        tl_inds=xs[1].cpu().numpy(), br_inds=xs[2].cpu().numpy(),  # [B, K] int64
    )


def write_atomic(path, arrays, compress=False):
    """Write arrays as an .npz at path via a hidden temporary file and a
    rename, so that a reader sees the whole file or none of it."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, ".%s.%d.%d.tmp" % (name, os.getpid(), threading.get_ident()))
    save = np.savez_compressed if compress else np.savez
    try:
        with open(tmp, "wb") as f:  # a file object: savez adds no .npz to it
            save(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


class StepDumper:
    """Writes every `every`-th training step to `directory` (see the module
    doc). compress=True deflates the arrays (np.savez_compressed): the file
    is about 40% smaller at COCO scale, but writing it takes tens of times
    longer (see the README's figures), so it is off by default. chunks:
    None writes the chunk array and the _chunkN name when more than one GPU
    is visible; True or False forces it."""

    def __init__(self, directory, every=500, start_iter=0, validation=False, compress=False, chunks=None):
        self.directory = directory
        self.every = every
        self.start_iter = start_iter
        self.validation = validation
        self.compress = compress
        self.chunks = chunks if chunks is not None else torch.cuda.device_count() > 1
        self.iteration = None  # set from the training loop to override the count
        self._calls = {}       # device -> training calls seen
        self._lock = threading.Lock()

    def __call__(self, network, xs, preds, ys):
        device = preds[0].device.index or 0  # None on the CPU
        with self._lock:
            if network.training:
                self._calls[device] = self._calls.get(device, 0) + 1
            calls = self._calls.get(device, 0)
        step = self.iteration if self.iteration is not None else self.start_iter + calls
        folder = self.directory
        if not network.training:
            if not self.validation:
                return
            folder = os.path.join(folder, "val")  # apart: serve -dumps lists no subfolder
        elif step % self.every:
            return
        os.makedirs(folder, exist_ok=True)
        arrays = step_arrays(xs, preds, ys)
        arrays["step"] = np.int64(step)
        name = "step_%08d" % step
        if self.chunks:
            arrays["chunk"] = np.int64(device)
            name += "_chunk%d" % device
        write_atomic(os.path.join(folder, name + ".npz"), arrays, self.compress)
