# attack: the connect made from a signal handler, raised with os.kill on our own pid
# flags: --no-network
import os
import signal
import socket

out = []


def handler(signum, frame):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.10", 53))
        out.append("ESCAPED %s" % (s.getpeername(),))
    except RuntimeError as e:
        out.append("BLOCKED %s" % e)


signal.signal(signal.SIGUSR1, handler)
os.kill(os.getpid(), signal.SIGUSR1)
print(out[0] if out else "BLOCKED handler did not run")
