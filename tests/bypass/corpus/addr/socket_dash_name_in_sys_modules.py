# attack: the real _socket file loaded by spec as "-socket" and put in sys.modules before socket.py, so that socket's methods come from a module the guard never patched and a name given to connect is resolved before any check
# flags: --no-network
import importlib.machinery
import importlib.util
import sys

real = importlib.machinery.PathFinder.find_spec("_socket")
if real is None or real.origin in (None, "built-in"):
    print("BLOCKED _socket is built in: no file to load")
    raise SystemExit
spec = importlib.util.spec_from_file_location("-socket", real.origin)
try:
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # multi-phase init (3.12+) makes its types here
    sys.modules["_socket"] = mod
except ImportError as e:
    print("BLOCKED at load", e)
    raise SystemExit
sys.modules.pop("socket", None)
import socket  # noqa: E402

import hermetic  # noqa: E402

s = socket.socket()
s.settimeout(2)
try:
    s.connect(("hermetic-attack.invalid", 80))
    print("ESCAPED connected")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
except OSError as e:
    print("ESCAPED the resolver was asked before any check:", e)
