# attack: _socket shadowed on PYTHONPATH by a Python file that loads the real extension by hand and uses it at once, hoping to come before the guard's patch (which waits for the first load of _socket's file)
# flags: --no-network
import os
import subprocess
import sys
import tempfile

d = tempfile.mkdtemp(dir=os.environ["ATTACK_TMP"])
with open(os.path.join(d, "_socket.py"), "w") as f:
    f.write(
        """
import importlib.machinery, importlib.util, os, sys
lib = os.path.join(sys.base_prefix, "lib", "python%d.%d" % sys.version_info[:2], "lib-dynload")
path = [os.path.join(lib, n) for n in os.listdir(lib) if n.startswith("_socket.")][0]
loader = importlib.machinery.ExtensionFileLoader("_socket", path)
real = importlib.util.module_from_spec(importlib.util.spec_from_loader("_socket", loader))
loader.exec_module(real)
sys.modules["_socket"] = real
try:
    real.getaddrinfo("example.com", 80)
    print("ESCAPED lookup during the set-up")
except RuntimeError as e:
    print("BLOCKED", e)
except OSError as e:
    print("ESCAPED the resolver was asked:", e)
"""
    )
env = dict(os.environ, PYTHONPATH=d)
r = subprocess.run([sys.executable, "-c", "import socket"], env=env, capture_output=True, text=True)
print(r.stdout, r.stderr)
