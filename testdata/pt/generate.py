"""Regenerate the .pt corpus in this directory from the public golden cases.

    /usr/bin/python3 testdata/pt/generate.py

Every testdata/golden/CASE.npz is loaded with NumPy, turned into torch
tensors and written by torch.save itself (PyTorch 1.13, Debian bookworm's
python3-torch) in each of the three forms the reader accepts:

  tuple  (xs, preds, ys) as CornerNet's Network.forward holds them:
         xs = [images, tl_inds, br_inds], preds = six tensors per stack
         (each a view into the stacked array: a storage offset), ys = the
         five targets
  dict   {"xs": xs, "preds": preds, "ys": ys}
  named  {"tl_heats": ..., ...}: the schema's names, the .npz's shapes

alternating the zip format (the default) and the legacy one
(_use_new_zipfile_serialization=False), so that every case and every form
is written in both formats over the corpus. The tensors hold the .npz's
values unchanged, so each file must read as the .npz does, bit for bit, and
give the loss of CASE.json.

variant_*.pt exercise what the cases do not, on single_object_push_quirk:
non-contiguous tensors (transposes, slices of a larger storage with an
offset, strided and broadcast views), float64 values with a bool mask and
int32 indices, a storage saved from a GPU, float16 and bfloat16 values,
pickle protocols 4 and 5 (torch.save's default is 2).
Where the values change (float16, bfloat16), variant_*.npz beside the .pt
holds the same tensors as NumPy writes them (bfloat16, which NumPy lacks, as
its exact float32 widening): the oracle for those files.

The cuda:0 variant is written without a GPU: torch.save asks
torch.serialization.location_tag for each storage's location, and the
generator replaces that function for the one save, so the file carries the
location tag "cuda:0" exactly as a GPU save writes it (torch.load then needs
map_location="cpu", as it would for a GPU file on a CPU machine).

other_*.pt are valid .pt files that are not a training step (a model's
state_dict, a single tensor), and seed_*.pt two tiny steps that seed the
fuzzers.

hostile_*.pt are files that torch.load (without weights_only) would run
code from: an object whose __reduce__ is os.system, one that is eval, and a
"billion laughs" list whose 10^30 leaves are a few hundred memo references.
"""
import glob, os, zipfile

import numpy as np
import torch
import torch.serialization

here = os.path.dirname(os.path.abspath(__file__))
golden = os.path.join(here, "..", "golden")

PREDS = ["tl_heats", "br_heats", "tl_tags", "br_tags", "tl_regrs", "br_regrs"]
YS = ["gt_tl_heat", "gt_br_heat", "gt_mask", "gt_tl_regr", "gt_br_regr"]


def load(case):
    z = np.load(os.path.join(golden, case + ".npz"))
    return {k: torch.from_numpy(z[k].copy()) for k in z.files}


def step(a, images=True):
    """(xs, preds, ys) as CornerNet's training step holds them."""
    b = a["gt_mask"].shape[0]
    xs = [torch.zeros(b, 3, 4, 4) if images else None, a["tl_inds"], a["br_inds"]]
    preds = [a[n][s] for s in range(a["tl_heats"].shape[0]) for n in PREDS]
    ys = [a[n] for n in YS]
    return xs, preds, ys


def save(obj, name, legacy, protocol=2):
    torch.save(obj, os.path.join(here, name), _use_new_zipfile_serialization=not legacy, pickle_protocol=protocol)


def cases():
    return sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(golden, "*.npz")))


def noncontiguous(t):
    """The same values in a tensor that is not C-contiguous."""
    if t.dim() >= 2 and t.shape[-1] > 1 and t.shape[-2] > 1:
        # Transposed storage: the last two axes swapped in memory.
        return t.transpose(-1, -2).contiguous().transpose(-1, -2)
    if t.dim() >= 2:
        return framed(t)
    # A strided slice of a larger storage, with an offset.
    big = torch.zeros(2 * t.shape[0] + 3, dtype=t.dtype)
    big[3::2] = t
    return big[3::2]


def framed(t):
    """The same values inside a larger storage: offset and padded rows."""
    big = torch.zeros((t.shape[0] + 1,) + tuple(t.shape[1:-1]) + (t.shape[-1] + 3,), dtype=t.dtype)
    big[1:, ..., 1:1 + t.shape[-1]] = t
    return big[1:, ..., 1:1 + t.shape[-1]]


def variants():
    base = "single_object_push_quirk"
    a = load(base)
    # Views: transposes, framed slices, a broadcast (stride 0) mask.
    v = {k: (framed(t) if k.startswith("gt_") and t.dim() == 4 else noncontiguous(t)) for k, t in a.items()}
    if bool((a["gt_mask"] == a["gt_mask"][:1]).all()):
        v["gt_mask"] = a["gt_mask"][:1].expand_as(a["gt_mask"])
    for k, t in v.items():
        assert torch.equal(t, a[k]) and (not t.is_contiguous() or t.storage_offset() > 0 or t.stride() == (0,) * t.dim()), k
    save(step(v), "variant_views_zip.pt", legacy=False)
    save(step(v, images=False), "variant_views_legacy.pt", legacy=True)

    # Wider types with the same values: float64, bool mask, int32 indices.
    w = {k: (t.double() if t.is_floating_point() else t) for k, t in a.items()}
    w["gt_mask"] = a["gt_mask"].bool()
    w["tl_inds"], w["br_inds"] = a["tl_inds"].int(), a["br_inds"].int()
    save(w, "variant_f64_bool_int32_legacy.pt", legacy=True)

    # Newer pickle protocols (torch.save's pickle_protocol): frames,
    # MEMOIZE, STACK_GLOBAL; in the legacy format a FRAME before the magic.
    save(step(a), "variant_protocol4_zip.pt", legacy=False, protocol=4)
    save(dict(zip(["xs", "preds", "ys"], step(a))), "variant_protocol5_legacy.pt", legacy=True, protocol=5)

    # A storage location of cuda:0 (see the docstring).
    orig = torch.serialization.location_tag
    torch.serialization.location_tag = lambda storage: "cuda:0"
    try:
        save(dict(zip(["xs", "preds", "ys"], step(a))), "variant_cuda_zip.pt", legacy=False)
    finally:
        torch.serialization.location_tag = orig

    # Narrower types: the values change, so an .npz of the same tensors is
    # the oracle.
    h = {k: (t.half() if t.is_floating_point() else t) for k, t in a.items()}
    save(h, "variant_f16_zip.pt", legacy=False)
    np.savez(os.path.join(here, "variant_f16_zip.npz"), **{k: t.numpy() for k, t in h.items()})
    bf = {k: (t.bfloat16() if t.is_floating_point() else t) for k, t in a.items()}
    save(step(bf), "variant_bf16_legacy.pt", legacy=True)
    np.savez(os.path.join(here, "variant_bf16_legacy.npz"),
             **{k: (t.float() if t.dtype == torch.bfloat16 else t).numpy() for k, t in bf.items()})


class Reduce:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return (self.fn, (self.arg,))


def hostile():
    a = load("single_object_push_quirk")
    xs, preds, ys = step(a)
    save((xs, preds, ys + [Reduce(os.system, "echo pwned")]), "hostile_os_system.pt", legacy=False)
    save({"xs": xs, "preds": preds, "ys": Reduce(eval, "__import__('os').system('echo pwned')")}, "hostile_eval_legacy.pt", legacy=True)
    laughs = [xs[1]]
    for _ in range(30):
        laughs = [laughs] * 10
    save((laughs, preds, ys), "hostile_laughs.pt", legacy=False)


def others():
    """Valid .pt files that are not a training step, and tiny steps for the
    fuzzers' seeds (a 1-class 4x4 map, two slots, fixed values)."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4))
    save(net.state_dict(), "other_state_dict.pt", legacy=False)
    save(torch.arange(6.0).reshape(2, 3), "other_tensor_legacy.pt", legacy=True)
    b, k = 2, 2
    heat = torch.linspace(-3, 3, b * 16).reshape(1, b, 1, 4, 4)
    a = {
        "tl_heats": heat, "br_heats": -heat,
        "tl_tags": torch.tensor([0.5, -0.25, 1.0, 0.0]).reshape(1, b, k, 1),
        "br_tags": torch.tensor([0.75, 0.25, -1.0, 0.0]).reshape(1, b, k, 1),
        "tl_regrs": torch.full((1, b, k, 2), 0.25), "br_regrs": torch.full((1, b, k, 2), 0.5),
        "gt_tl_heat": torch.zeros(b, 1, 4, 4), "gt_br_heat": torch.zeros(b, 1, 4, 4),
        "gt_mask": torch.tensor([[1, 0], [1, 1]], dtype=torch.uint8),
        "gt_tl_regr": torch.full((b, k, 2), 0.125), "gt_br_regr": torch.full((b, k, 2), 0.375),
        "tl_inds": torch.tensor([[0, 0], [5, 1]]), "br_inds": torch.tensor([[15, 0], [10, 6]]),
    }
    a["gt_tl_heat"].view(b, 16)[[0, 1, 1], [0, 5, 1]] = 1
    a["gt_br_heat"].view(b, 16)[[0, 1, 1], [15, 10, 6]] = 1
    save(step(a, images=False), "seed_tiny_zip.pt", legacy=False)
    save({"xs": step(a)[0], "preds": step(a)[1], "ys": step(a)[2]}, "seed_tiny_legacy.pt", legacy=True)


def main():
    for old in glob.glob(os.path.join(here, "*.pt")) + glob.glob(os.path.join(here, "variant_*.npz")):
        os.remove(old)
    for i, case in enumerate(cases()):
        a = load(case)
        xs, preds, ys = step(a, images=i % 2 == 0)
        forms = {
            "tuple": (xs, preds, ys),
            "dict": {"xs": xs, "preds": preds, "ys": ys},
            "named": a,
        }
        for j, (form, obj) in enumerate(forms.items()):
            legacy = (i + j) % 2 == 1
            save(obj, "%s_%s_%s.pt" % (case, form, "legacy" if legacy else "zip"), legacy)
    variants()
    hostile()
    others()
    # Each file must load back under torch as the tensors it was made from.
    for p in sorted(glob.glob(os.path.join(here, "*.pt"))):
        if not os.path.basename(p).startswith("hostile_"):
            torch.load(p, map_location="cpu")
        kind = "zip" if zipfile.is_zipfile(p) else "legacy"
        print("%-50s %-6s %8d bytes" % (os.path.basename(p), kind, os.path.getsize(p)))


if __name__ == "__main__":
    main()
