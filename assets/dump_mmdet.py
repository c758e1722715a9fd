"""Save one mmdetection CornerNet training step in the schema cornerloss reads.

mmdetection (3.x) computes CornerNet's loss in CornerHead.loss_by_feat
(mmdet/models/dense_heads/corner_head.py). Wrap it once the model is built:

    from dump_mmdet import wrap_loss_by_feat
    wrap_loss_by_feat(model.bbox_head, lambda: "step.npz")

and each training step writes the dump before computing the loss, which
then goes on unchanged. Or call dump_mmdet yourself with loss_by_feat's
arguments. Then:

    cornerloss eval -convention mmdet step.npz

What is written: the heat logits of every feature level (stack), the
embedding and offset maps whole ([S, B, 1, H, W] and [S, B, 2, H, W]: the
reader gathers them at the indices and keeps the maps), the heatmap targets
from the head's own get_targets, and from its match list (one entry per box,
in the order of the image's gt instances) the indices tl_inds/br_inds
(y*W + x), gt_mask and each box's target offset.

Limits:
* one embedding channel (corner_emb_channels = 1, as CornerNet); the
  guiding and centripetal shifts of CentripetalHead are not dumped;
* at most max_tag_len boxes per image (an error names the image);
* get_targets keeps one offset per pixel (the last box's): a box whose
  corner pixel a later box of the same image shares gets the later box's
  target offset. The mmdet convention uses only that one, as mmdetection
  does; the reference convention, which counts each box, sees it twice;
* everything is stored as float32, the targets as mmdetection drew them
  (its radius and clipping, not CornerNet's sampler).
"""
import numpy as np
import torch


def dump_mmdet(path, head, tl_heats, br_heats, tl_embs, br_embs, tl_offs, br_offs,
               batch_gt_instances, batch_img_metas, max_tag_len=128):
    """The arguments are loss_by_feat's: per feature level, heat logits
    [B, C, H, W], embeddings [B, 1, H, W], offsets [B, 2, H, W]; the gt
    instances (bboxes, labels) and image metas of the batch."""
    if tl_embs is None or tl_embs[0].size(1) != 1:
        raise ValueError("dump_mmdet: one embedding channel needed (corner_emb_channels = 1)")
    with torch.no_grad():
        targets = head.get_targets(
            [g.bboxes for g in batch_gt_instances], [g.labels for g in batch_gt_instances],
            tl_heats[-1].shape, batch_img_metas[0]['batch_input_shape'], with_corner_emb=True)
    B, _, H, W = tl_heats[-1].shape
    K = max_tag_len
    mask = np.zeros((B, K), np.uint8)
    inds = [np.zeros((B, K), np.int64) for _ in range(2)]
    regr = [np.zeros((B, K, 2), np.float32) for _ in range(2)]
    dense = [targets['topleft_offset'].detach().float().cpu().numpy(),
             targets['bottomright_offset'].detach().float().cpu().numpy()]
    for b, match in enumerate(targets['corner_embedding']):
        if len(match) > K:
            raise ValueError("dump_mmdet: image %d has %d boxes, more than max_tag_len %d" % (b, len(match), K))
        for k, corners in enumerate(match):
            mask[b, k] = 1
            for c, (y, x) in enumerate(corners):
                inds[c][b, k] = y * W + x
                regr[c][b, k] = dense[c][b, :, y, x]

    def f32(t):
        return t.detach().float().cpu().numpy()

    def levels(ts):
        return np.stack([f32(t) for t in ts])

    np.savez_compressed(
        path,
        tl_heats=levels(tl_heats), br_heats=levels(br_heats),  # [S, B, C, H, W] logits
        tl_tags=levels(tl_embs), br_tags=levels(br_embs),      # [S, B, 1, H, W] maps
        tl_regrs=levels(tl_offs), br_regrs=levels(br_offs),    # [S, B, 2, H, W] maps
        gt_tl_heat=f32(targets['topleft_heatmap']),            # [B, C, H, W]
        gt_br_heat=f32(targets['bottomright_heatmap']),
        gt_mask=mask,                                          # [B, K]
        gt_tl_regr=regr[0], gt_br_regr=regr[1],                # [B, K, 2]
        tl_inds=inds[0], br_inds=inds[1],                      # [B, K] int64
    )


def wrap_loss_by_feat(head, path):
    """Makes head.loss_by_feat write a dump to path() before each loss."""
    loss_by_feat = head.loss_by_feat

    def wrapped(tl_heats, br_heats, tl_embs, br_embs, tl_offs, br_offs,
                batch_gt_instances, batch_img_metas, batch_gt_instances_ignore=None):
        dump_mmdet(path(), head, tl_heats, br_heats, tl_embs, br_embs, tl_offs, br_offs,
                   batch_gt_instances, batch_img_metas)
        return loss_by_feat(tl_heats, br_heats, tl_embs, br_embs, tl_offs, br_offs,
                            batch_gt_instances, batch_img_metas, batch_gt_instances_ignore)

    head.loss_by_feat = wrapped
    return head
