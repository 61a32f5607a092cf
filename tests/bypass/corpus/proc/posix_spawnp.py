# attack: os.posix_spawnp looked up on PATH, with setsid and a reset signal mask
# flags: --no-subprocess
import os

try:
    pid = os.posix_spawnp("true", ["true"], os.environ, setsid=True, setsigmask=())
    os.waitpid(pid, 0)
    print("ESCAPED", pid)
except RuntimeError as e:
    print("BLOCKED", e)
