# attack: a child given PYTHONPATH with a sitecustomize, PYTHONSTARTUP + PYTHONINSPECT, PYTHONHOME and PYTHONNOUSERSITE
# flags: --no-network --allow-write {tmp}/w
import os
import subprocess
import sys

w = os.path.join(os.environ["ATTACK_TMP"], "w")
PROBE = """
import socket
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED", __name__)
except RuntimeError as e:
    print("BLOCKED", __name__, e)
"""
with open(os.path.join(w, "sitecustomize.py"), "w") as f:
    f.write("import os\nfor k in list(os.environ):\n    if k.startswith(('HERMETIC', 'LD_')):\n        del os.environ[k]\n" + PROBE)
with open(os.path.join(w, "startup.py"), "w") as f:
    f.write(PROBE)
env = {
    "PYTHONPATH": w,
    "PYTHONSTARTUP": os.path.join(w, "startup.py"),
    "PYTHONINSPECT": "1",
    "PYTHONHOME": sys.base_prefix,
    "PYTHONNOUSERSITE": "1",
}
proc = subprocess.run([sys.executable, "-c", PROBE], env=env, input="exec(open(%r).read())\n" % os.path.join(w, "startup.py"),
                      capture_output=True, text=True)
print(proc.stdout, proc.stderr)
