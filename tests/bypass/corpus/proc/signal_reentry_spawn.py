# attack: an interval timer fires while the guard runs Python code (the idna codec for a non-ASCII host); its handler spawns
# flags: --no-subprocess --no-network
import os
import signal
import socket
import sys

counts = {"ran": 0, "escaped": 0}


def handler(signum, frame):
    counts["ran"] += 1
    try:
        pid = os.posix_spawn(sys.executable, [sys.executable, "-c", "pass"], {})
        os.waitpid(pid, 0)
        counts["escaped"] += 1
    except RuntimeError:
        pass


signal.signal(signal.SIGALRM, handler)
signal.setitimer(signal.ITIMER_REAL, 0.0005, 0.0005)
for _ in range(3000):
    try:
        socket.getaddrinfo("b\u00fccher.example", 80)
    except RuntimeError:
        pass
signal.setitimer(signal.ITIMER_REAL, 0)
if counts["escaped"]:
    print("ESCAPED", counts)
else:
    print("BLOCKED", counts)
