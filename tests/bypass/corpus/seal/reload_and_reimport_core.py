# attack: reload hermetic, drop hermetic._core from sys.modules and import it again, then remove with the fresh module
# mode: api
import importlib
import socket
import sys

import hermetic

with hermetic.hermetic_blocker(block_network=True, sealed=True):
    pass
for name in [m for m in sys.modules if m.startswith("hermetic")]:
    del sys.modules[name]
import hermetic  # noqa: E402
import hermetic._core as fresh  # noqa: E402

importlib.reload(hermetic)
for ident in range(0, 64):
    fresh.remove(ident)
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
