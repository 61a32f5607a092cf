# attack: posix.system and posix.execv from the private posix module
# flags: --no-subprocess
import posix
import sys

try:
    posix.system("true")
    print("ESCAPED system")
except RuntimeError as e:
    print("BLOCKED", e)
try:
    posix.execv(sys.executable, [sys.executable, "-c", "print('ESCAPED execv')"])
except RuntimeError as e:
    print("BLOCKED", e)
