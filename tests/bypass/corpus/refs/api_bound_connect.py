# attack: a bound s.connect taken before the blocker is entered, called inside it
# mode: api
import socket

from hermetic import hermetic_blocker

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
connect = s.connect
with hermetic_blocker(block_network=True):
    try:
        connect(("192.0.2.10", 53))
        print("ESCAPED", s.getpeername())
    except RuntimeError as e:
        print("BLOCKED", e)
