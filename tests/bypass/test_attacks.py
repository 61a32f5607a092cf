"""Attacks on the network and subprocess guards, each in a fresh process.

Every case here was a working bypass once; each program prints BLOCKED
when the guard held and ESCAPED when it did not.  They run under the
command line, the way an untrusted program would be run.
"""

import sys
import textwrap

import pytest

PY = sys.executable

TUPLE_PRETENDS_PATH = """
import socket
class T(tuple):
    def __fspath__(self):
        return "/x"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendto(b"x", T(("169.254.169.254", 53)))
    print("ESCAPED")
except RuntimeError as e:
    print("BLOCKED", e)
"""

IDNA_CODEC_SWAPPED = """
import encodings.idna, socket
original = encodings.idna.Codec.encode
def encode(self, text, errors="strict"):
    if str(text) == "1.2.3.4":
        return b"169.254.169.254", len(text)
    return original(self, text, errors)
encodings.idna.Codec.encode = encode
class S(str):
    pass
s = socket.socket()
s.settimeout(1)
try:
    s.connect_ex((S("1.2.3.4"), 80))
except RuntimeError as e:
    print("BLOCKED", e)
else:
    peer = None
    try:
        peer = s.getpeername()[0]
    except OSError:
        pass
    print("ESCAPED" if peer == "169.254.169.254" else "BLOCKED judged-as-used")
"""

SYS_MODULES_SWAPPED = """
import sys, types, _socket as real
fake = types.ModuleType("_socket")
class S:
    pass
for n in ("connect", "connect_ex", "sendto", "sendmsg", "bind"):
    setattr(S, n, float.__format__)
fake.socket = S
sys.modules["_socket"] = fake
s = real.socket(2, 2)
sys.modules["_socket"] = real
try:
    s.sendto(b"x", ("dnsleak.invalid", 53))
    print("ESCAPED")
except RuntimeError as e:
    print("BLOCKED", e)
except OSError:
    print("ESCAPED lookup went out")
"""

PATHLIKE_ENV_KEY = """
import os, subprocess, sys
class K:
    def __init__(self, name):
        self.name = name
    def __fspath__(self):
        return self.name
child = "import socket\\ntry:\\n socket.gethostbyname('x.invalid')\\n print('ESCAPED')\\n" \\
        "except RuntimeError:\\n print('BLOCKED')"
env = {K("HERMETIC_FLAGS_JSON"): '{"version":1,"stack":[]}', K("LD_PRELOAD"): "",
       "PATH": os.environ["PATH"]}
pid = os.posix_spawn(sys.executable, [sys.executable, "-c", child], env)
os.waitpid(pid, 0)
"""

SHADOWED_ENCODINGS_EXEC = """
import os, subprocess, sys, tempfile, shutil, sysconfig
d = tempfile.mkdtemp()
shutil.copytree(os.path.join(sysconfig.get_paths()["stdlib"], "encodings"),
                os.path.join(d, "encodings"))
with open(os.path.join(d, "encodings", "__init__.py"), "a") as f:
    f.write("\\nimport posix\\nposix.execve(%r, [%r, '-c', 'print(\\"ESCAPED\\")'], {})\\n"
            % (sys.executable, sys.executable))
r = subprocess.run([sys.executable, "-c", "print('child ran')"],
                   env={"PYTHONPATH": d}, capture_output=True, text=True)
print("ESCAPED" if "ESCAPED" in r.stdout else "BLOCKED", r.returncode, r.stderr.strip())
"""

SUBINTERPRETER = """
import importlib
for name in ("_xxsubinterpreters", "_interpreters"):
    try:
        si = importlib.import_module(name)
        si.create()
        print("ESCAPED", name)
    except ModuleNotFoundError as e:
        if "blocked" in str(e):
            print("BLOCKED", name)
    except Exception as e:
        print("BLOCKED", name, type(e).__name__)
"""

SUBINTERPRETER_IMPORTED_BEFORE = """
import importlib, sys
from hermetic import hermetic_blocker
for name in ("_xxsubinterpreters", "_interpreters"):
    try:
        si = importlib.import_module(name)
    except ImportError:
        continue
    with hermetic_blocker(block_network=True):
        try:
            si.create()
            print("ESCAPED", name)
        except RuntimeError as e:
            print("BLOCKED", name, type(e).__name__)
"""

TESTCAPI_SUBINTERPRETER = """
try:
    import _testcapi
    _testcapi.run_in_subinterp("import csv; print('ESCAPED')")
except ImportError as e:
    print("BLOCKED", e)
"""

NATIVE_THROUGH_SYMLINKED_DIR = """
import importlib.machinery, importlib.util, os, sysconfig, tempfile
import _json  # the interpreter's own, loaded the ordinary way first
real = _json.__file__
link = os.path.join(tempfile.mkdtemp(), "L")
os.symlink(os.path.dirname(real), link)
path = os.path.join(link, os.path.basename(real))
loader = importlib.machinery.ExtensionFileLoader("_json", path)
spec = importlib.util.spec_from_file_location("_json", path, loader=loader)
try:
    loader.create_module(spec)
    print("ESCAPED loaded through a link")
except ImportError as e:
    print("BLOCKED", e)
"""

CASES = {
    "tuple-subclass-with-fspath": (TUPLE_PRETENDS_PATH, ["--no-network"]),
    "idna-codec-swapped": (IDNA_CODEC_SWAPPED, ["--allow-ip", "1.2.3.4/32"]),
    "sys-modules-swapped": (SYS_MODULES_SWAPPED, ["--no-network"]),
    "pathlike-env-key": (PATHLIKE_ENV_KEY, ["--no-network", "--seal"]),
    "shadowed-encodings-exec": (SHADOWED_ENCODINGS_EXEC, ["--no-network"]),
    "subinterpreter": (SUBINTERPRETER, ["--no-network"]),
    "subinterpreter-module-imported-before": (SUBINTERPRETER_IMPORTED_BEFORE, []),
    "testcapi-subinterpreter": (TESTCAPI_SUBINTERPRETER, ["--deny-import", "csv"]),
    "native-through-symlinked-dir": (NATIVE_THROUGH_SYMLINKED_DIR, ["--block-native"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_attack_is_blocked(run_cli, tmp_path, name):
    code, flags = CASES[name]
    script = tmp_path / "attack.py"
    script.write_text(textwrap.dedent(code))
    proc = run_cli(*flags, "--", PY, script)
    out = proc.stdout + proc.stderr
    assert "ESCAPED" not in out, out
    assert "BLOCKED" in out, out
