# attack: a shadowed `encodings` on PYTHONPATH runs during interpreter start-up, before the guard's set-up, and loads a copy of _posixsubprocess under a dotted name ("early._posixsubprocess") for the program to use later
# flags: --no-network
import importlib.machinery
import os
import shutil
import subprocess
import sys
import tempfile

real = importlib.machinery.PathFinder.find_spec("_posixsubprocess")
if real is None or real.origin in (None, "built-in"):
    print("BLOCKED _posixsubprocess is built in: no file to copy")
    raise SystemExit
d = tempfile.mkdtemp(dir=os.environ["ATTACK_TMP"])
copy = os.path.join(d, "pscopy.so")
shutil.copy(real.origin, copy)
os.mkdir(os.path.join(d, "encodings"))
stdlib = os.path.dirname(os.__file__)
with open(os.path.join(d, "encodings", "__init__.py"), "w") as f:
    f.write(f"""
import sys, _imp
__path__[:] = [{stdlib + '/encodings'!r}]
class _Spec:
    name = "early._posixsubprocess"
    origin = {copy!r}
try:
    sys._early_ps = _imp.create_dynamic(_Spec)
except BaseException as e:
    sys._early_err = repr(e)
with __import__("_io").open({stdlib + '/encodings/__init__.py'!r}, "rb") as f:
    exec(compile(f.read(), {stdlib + '/encodings/__init__.py'!r}, "exec"))
""")
child = (
    "import sys\n"
    "m = getattr(sys, '_early_ps', None)\n"
    "print('module', m, getattr(sys, '_early_err', None))\n"
    "try:\n"
    "    m.fork_exec()\n"
    "except TypeError as e:\n"
    "    print('ESCAPED an unreplaced copy loaded at start-up:', e)\n"
    "except Exception as e:\n"
    "    print('BLOCKED', type(e).__name__, e)\n"
)
r = subprocess.run([sys.executable, "-c", child], env=dict(os.environ, PYTHONPATH=d),
                   capture_output=True, text=True)
out = r.stdout + r.stderr
if "ESCAPED" in out:
    print(out)
elif "blocked action" in out or "BLOCKED" in out:
    print("BLOCKED", out.strip().splitlines()[-1])
else:
    print("ESCAPED? unexpected child output:", out)
