// Package loss computes the CornerNet training loss exactly as the reference
// PyTorch code does (princeton-vl/CornerNet, models/py_utils/kp_utils.py and
// kp.py), float32 quirks included, and exposes everything behind the scalar:
// per-stack and per-image terms, per-pixel focal maps and gradients, per-object
// pull, the push pair matrix and per-corner offset errors.
package loss
