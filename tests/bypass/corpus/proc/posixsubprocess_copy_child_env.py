# attack: under --no-network, a copy of _posixsubprocess would start a child with env={} and no policy in it (its fork_exec does not complete the environment)
# flags: --no-network
import importlib.machinery
import importlib.util
import os
import shutil
import sys
import tempfile

real = importlib.machinery.PathFinder.find_spec("_posixsubprocess")
if real is None or real.origin in (None, "built-in"):
    print("BLOCKED _posixsubprocess is built in")
    sys.exit()
d = tempfile.mkdtemp(dir=os.environ["ATTACK_TMP"])
copy = os.path.join(d, os.path.basename(real.origin))
shutil.copy(real.origin, copy)
try:
    mod = importlib.util.module_from_spec(
        importlib.util.spec_from_file_location("_posixsubprocess", copy))
    print("ESCAPED loaded an unguarded copy", mod)
except ImportError as e:
    print("BLOCKED", e)
