"""Save one CornerNet training step in the schema cornerloss reads.

Call dump_step where the reference builds its loss (nnet/py_factory.py,
Network.forward), between the model and the loss:

    preds = self.model(*xs, **kwargs)
    dump_step("step.npz", xs, preds, ys)      # before the loss: see below
    loss  = self.loss(preds, ys, **kwargs)

Dump before the loss: its _sigmoid() calls sigmoid_() in place, so afterwards
the heat tensors hold probabilities, not logits.
"""
import numpy as np


def dump_step(path, xs, preds, ys):
    """xs:    [images, tl_inds, br_inds], the batch's inputs
    preds: what model(*xs) returns in training: six tensors per stack,
           tl_heat, br_heat, tl_tag, br_tag, tl_regr, br_regr
           (tags and offsets already gathered at tl_inds / br_inds)
    ys:    [gt_tl_heat, gt_br_heat, gt_mask, gt_tl_regr, gt_br_regr]
    """
    def f32(t):
        return t.detach().float().cpu().numpy()

    def per_stack(i):
        return np.stack([f32(p) for p in preds[i::6]])

    np.savez_compressed(
        path,
        tl_heats=per_stack(0), br_heats=per_stack(1),  # [S, B, C, H, W] logits
        tl_tags=per_stack(2), br_tags=per_stack(3),    # [S, B, K, 1]
        tl_regrs=per_stack(4), br_regrs=per_stack(5),  # [S, B, K, 2]
        gt_tl_heat=f32(ys[0]), gt_br_heat=f32(ys[1]),  # [B, C, H, W]
        gt_mask=ys[2].cpu().numpy().astype(np.uint8),  # [B, K]
        gt_tl_regr=f32(ys[3]), gt_br_regr=f32(ys[4]),  # [B, K, 2]
        tl_inds=xs[1].cpu().numpy(), br_inds=xs[2].cpu().numpy(),  # [B, K] int64
    )
