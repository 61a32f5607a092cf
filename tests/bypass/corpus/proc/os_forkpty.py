# attack: os.forkpty
# flags: --no-subprocess
import os

try:
    pid, fd = os.forkpty()
except RuntimeError as e:
    print("BLOCKED", e)
else:
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    print("ESCAPED", pid)
