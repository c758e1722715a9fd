"""Imports the loss and sampler functions of a checkout of
princeton-vl/CornerNet for the generators here, with stubs for what they
import but the loss does not use (the network layers, OpenCV). The
reference's code is imported from the checkout, never copied."""
import importlib.util, os, sys, types

def load(path, name, package=None):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    if package:
        mod.__package__ = package
    spec.loader.exec_module(mod)
    return mod

def reference(root):
    """kp_utils (the loss functions) and sample/utils (the sampler's)."""
    pkg = types.ModuleType("cornernet_py_utils")
    pkg.__path__ = [os.path.join(root, "models", "py_utils")]
    sys.modules["cornernet_py_utils"] = pkg
    utils = types.ModuleType("cornernet_py_utils.utils")
    utils.convolution = utils.residual = utils.make_layer = utils.make_layer_revr = None
    sys.modules["cornernet_py_utils.utils"] = utils
    sys.modules.setdefault("cv2", types.ModuleType("cv2"))
    kp = load(os.path.join(root, "models", "py_utils", "kp_utils.py"), "cornernet_py_utils.kp_utils", "cornernet_py_utils")
    su = load(os.path.join(root, "sample", "utils.py"), "cornernet_sample_utils")
    return kp, su
