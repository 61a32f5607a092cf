# attack: os.fork, the child exiting at once so nothing else is needed
# flags: --no-subprocess
import os

try:
    pid = os.fork()
except RuntimeError as e:
    print("BLOCKED", e)
else:
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    print("ESCAPED", pid)
