# attack: call every function of hermetic and hermetic._core with every id and a few odd arguments
# flags: --no-network
import socket

import hermetic
import hermetic._core as core

tried = 0
for mod in (core, hermetic):
    for name in dir(mod):
        fn = getattr(mod, name)
        if not callable(fn) or isinstance(fn, type):
            continue
        for arg in [*range(-2, 70), 2**64 - 1, None, "", b""]:
            for call in (lambda: fn(arg), lambda: fn()):
                tried += 1
                try:
                    call()
                except Exception:
                    pass
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED after", tried, "calls")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
