# attack: a copy of _posixsubprocess's file, loaded by spec under its own name or inside a package, has a fork_exec of its own that was never replaced
# flags: --no-subprocess
import importlib.machinery
import importlib.util
import os
import shutil
import sys
import tempfile

real = importlib.machinery.PathFinder.find_spec("_posixsubprocess")
if real is None or real.origin in (None, "built-in"):
    # Built into the interpreter: no file to copy, nothing to escape with.
    print("BLOCKED _posixsubprocess is built in")
    sys.exit()
d = tempfile.mkdtemp(dir=os.environ["ATTACK_TMP"])
copy = os.path.join(d, os.path.basename(real.origin))
shutil.copy(real.origin, copy)
for name in ("_posixsubprocess", "pkg._posixsubprocess"):
    spec = importlib.util.spec_from_file_location(name, copy)
    try:
        mod = importlib.util.module_from_spec(spec)
    except ImportError as e:
        print("BLOCKED", name, e)
        continue
    print("ESCAPED loaded an unguarded copy as", name, mod)
