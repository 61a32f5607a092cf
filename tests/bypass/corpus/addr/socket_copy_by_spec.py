# attack: a copy of _socket's file loaded by spec under its own name, whose socket methods and resolvers the guard never replaced
# flags: --no-network --allow-domain localhost
import importlib.machinery
import importlib.util
import os
import shutil
import tempfile

real = importlib.machinery.PathFinder.find_spec("_socket")
if real is None or real.origin in (None, "built-in"):
    print("BLOCKED _socket is built in: no file to copy")
    raise SystemExit
d = tempfile.mkdtemp(dir=os.environ["ATTACK_TMP"])
copy = os.path.join(d, os.path.basename(real.origin))
shutil.copy(real.origin, copy)
try:
    mod = importlib.util.module_from_spec(
        importlib.util.spec_from_file_location("_socket", copy))
    print("ESCAPED an unguarded copy of _socket:", mod)
except ImportError as e:
    print("BLOCKED", e)
