# attack: the program's own audit hook loads a copy of _posixsubprocess while an import is under way, hoping to slip between the guard's checks
# flags: --no-subprocess
import importlib.machinery
import importlib.util
import os
import shutil
import sys
import tempfile

real = importlib.machinery.PathFinder.find_spec("_posixsubprocess")
if real is None or real.origin in (None, "built-in"):
    print("BLOCKED _posixsubprocess is built in: no file to copy")
    raise SystemExit
d = tempfile.mkdtemp(dir=os.environ["ATTACK_TMP"])
copy = os.path.join(d, "c.so")
shutil.copy(real.origin, copy)
got, errors = [], []


def hook(event, args):
    if event == "import" and not got and not errors:
        try:
            got.append(importlib.util.module_from_spec(
                importlib.util.spec_from_file_location("_posixsubprocess", copy)))
        except ImportError as e:
            errors.append(e)


sys.addaudithook(hook)
import _posixsubprocess  # noqa: E402,F401
import fractions  # noqa: E402,F401  (an import that is not loaded yet)

if got:
    print("ESCAPED an unguarded copy was loaded from the hook:", got[0])
else:
    print("BLOCKED", errors[0] if errors else "no import event reached the hook")
