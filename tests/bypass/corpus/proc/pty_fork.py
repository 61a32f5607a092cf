# attack: pty.fork, the child exec'ing straight away
# flags: --no-subprocess
import os
import pty
import sys

try:
    pid, fd = pty.fork()
except RuntimeError as e:
    print("BLOCKED", e)
else:
    if pid == 0:
        os.execv(sys.executable, [sys.executable, "-c", "pass"])
    os.waitpid(pid, 0)
    print("ESCAPED", pid)
