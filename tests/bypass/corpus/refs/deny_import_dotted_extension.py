# attack: under --deny-import _socket, load _socket's file by spec under a dotted name ("x._socket"), which runs _socket's init function all the same
# flags: --deny-import _socket
import importlib.machinery
import importlib.util

real = importlib.machinery.PathFinder.find_spec("_socket")
if real is None or real.origin in (None, "built-in"):
    print("BLOCKED _socket is built in: no file to load")
    raise SystemExit
loader = importlib.machinery.ExtensionFileLoader("x._socket", real.origin)
spec = importlib.util.spec_from_file_location("x._socket", real.origin, loader=loader)
try:
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    print("ESCAPED a denied module loaded under another name:", mod)
except ImportError as e:
    print("BLOCKED", e)
