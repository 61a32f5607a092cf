# attack: load _posixsubprocess by spec through a symbolic link to the real file, and point the link at a copy from the program's own audit hook, which runs after the guard has looked at the path and before the dynamic loader opens it
# flags: --no-subprocess
import importlib.machinery
import importlib.util
import os
import shutil
import sys
import tempfile

import hermetic

real = importlib.machinery.PathFinder.find_spec("_posixsubprocess")
if real is None or real.origin in (None, "built-in"):
    print("BLOCKED _posixsubprocess is built in: no file to link")
    raise SystemExit
d = tempfile.mkdtemp(dir=os.environ["ATTACK_TMP"])
copy = os.path.join(d, "copy.so")
shutil.copy(real.origin, copy)
link = os.path.join(d, "link.so")
os.symlink(real.origin, link)


def hook(event, args):
    if event == "import" and len(args) > 1 and args[1] == link:
        os.unlink(link)
        os.symlink(copy, link)


sys.addaudithook(hook)
try:
    mod = importlib.util.module_from_spec(
        importlib.util.spec_from_file_location("_posixsubprocess", link))
except ImportError as e:
    print("BLOCKED at load", e)
    raise SystemExit
try:
    mod.fork_exec()
    print("ESCAPED fork_exec ran")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
except TypeError as e:
    print("ESCAPED an unreplaced fork_exec reached its argument parsing:", e)
