# attack: pty.spawn, which forks through os.forkpty (or openpty and os.fork)
# flags: --no-subprocess
import pty
import sys

try:
    pty.spawn([sys.executable, "-c", "print('ESCAPED child ran')"])
    print("ESCAPED")
except RuntimeError as e:
    print("BLOCKED", e)
