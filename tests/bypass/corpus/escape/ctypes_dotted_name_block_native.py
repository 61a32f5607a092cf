# attack: under --block-native, load _ctypes from lib-dynload by spec as "x._ctypes" (CPython runs the init function of the last part of the name), past a check of the whole name, then call libc through a function pointer made from an address
# flags: --block-native --no-subprocess
import importlib.machinery
import importlib.util
import os
import sys

dyn = [p for p in sys.path if p.endswith("/lib-dynload")]
files = [os.path.join(dyn[0], f) for f in os.listdir(dyn[0]) if f.startswith("_ctypes.")] if dyn else []
if not files:
    print("BLOCKED no _ctypes file in lib-dynload")
    raise SystemExit
for name in ("x._ctypes", "x.-ctypes"):
    loader = importlib.machinery.ExtensionFileLoader(name, files[0])
    spec = importlib.util.spec_from_file_location(name, files[0], loader=loader)
    try:
        mod = importlib.util.module_from_spec(spec)
        loader.exec_module(mod)
        print("ESCAPED _ctypes loaded as", name, mod)
        raise SystemExit
    except ImportError as e:
        last = e
print("BLOCKED", last)
