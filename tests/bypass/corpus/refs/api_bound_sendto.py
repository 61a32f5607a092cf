# attack: a bound UDP sendto and a captured getaddrinfo, both taken before the blocker
# mode: api
import socket

from hermetic import hermetic_blocker

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sendto = s.sendto
lookup = socket.getaddrinfo
with hermetic_blocker(block_network=True, sealed=True):
    for name, call in (
        ("sendto", lambda: sendto(b"x", ("192.0.2.10", 53))),
        ("getaddrinfo", lambda: lookup("example.com", 80)),
    ):
        try:
            call()
            print("ESCAPED", name)
        except RuntimeError as e:
            print("BLOCKED", name, e)
        except OSError as e:
            print("ESCAPED", name, "reached the system:", e)
