# attack: importlib.reload(os) then os.system and os.posix_spawn
# flags: --no-subprocess
import importlib
import os
import sys

os = importlib.reload(os)
try:
    os.system("true")
    print("ESCAPED system")
except RuntimeError as e:
    print("BLOCKED", e)
try:
    os.posix_spawn(sys.executable, [sys.executable, "-c", "pass"], {})
    print("ESCAPED posix_spawn")
except RuntimeError as e:
    print("BLOCKED", e)
