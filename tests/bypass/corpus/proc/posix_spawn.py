# attack: os.posix_spawn with an empty environment and file actions
# flags: --no-subprocess
import os
import sys

try:
    pid = os.posix_spawn(sys.executable, [sys.executable, "-c", "pass"], {}, file_actions=[(os.POSIX_SPAWN_CLOSE, 0)])
    os.waitpid(pid, 0)
    print("ESCAPED", pid)
except RuntimeError as e:
    print("BLOCKED", e)
