# attack: an IP socket made before the blocker, re-wrapped inside it with socket(fileno=...) (family read from the fd) and socket.fromfd
# mode: api
import socket

from hermetic import hermetic_blocker

raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
with hermetic_blocker(block_network=True, block_unix_sockets=False):
    for label, make in (
        ("fileno", lambda: socket.socket(fileno=raw.fileno())),
        ("fromfd", lambda: socket.fromfd(raw.fileno(), socket.AF_INET, socket.SOCK_DGRAM)),
    ):
        s = make()
        try:
            s.connect(("192.0.2.10", 53))
            print("ESCAPED", label, s.getpeername())
        except RuntimeError as e:
            print("BLOCKED", label, e)
        s.detach()
