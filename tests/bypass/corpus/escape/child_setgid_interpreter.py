# attack: a copy of the interpreter made set-group-ID, so the kernel runs the child in secure mode and ld.so skips LD_PRELOAD
# flags: --no-network
# requires: os.geteuid() == 0
import os
import shutil
import subprocess
import sys
import tempfile

CHILD = """
import os, socket
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED child", "privileged" if os.getegid() != os.getgid() else "")
except RuntimeError as e:
    print("BLOCKED child", e)
"""
with tempfile.TemporaryDirectory() as d:
    py = os.path.join(d, "python")
    shutil.copy(os.path.realpath(sys.executable), py)
    os.chown(py, -1, 4242)
    os.chmod(py, 0o2755)
    print(subprocess.run([py, "-c", CHILD], capture_output=True, text=True).stdout)
