# attack: call a sealed blocker's __exit__ and __aexit__ by hand, many times
# mode: api
import asyncio
import socket

import hermetic

b = hermetic.hermetic_blocker(block_network=True, sealed=True)
b.__enter__()
for _ in range(5):
    for leave in (lambda: b.__exit__(None, None, None), lambda: asyncio.run(b.__aexit__(None, None, None))):
        try:
            leave()
        except Exception:
            pass
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
