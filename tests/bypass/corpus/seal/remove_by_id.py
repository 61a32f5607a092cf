# attack: a sealed blocker removed through the extension's own remove()
# mode: api
import hermetic._core as core
import socket

from hermetic import hermetic_blocker

with hermetic_blocker(block_network=True, sealed=True):
    for ident in range(0, 64):
        try:
            core.remove(ident)
        except Exception:
            pass
    try:
        socket.getaddrinfo("example.com", 80)
        print("ESCAPED")
    except RuntimeError as e:
        print("BLOCKED", e)
