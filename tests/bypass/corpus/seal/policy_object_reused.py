# attack: push and remove the sealed blocker's own Policy object through _core directly
# mode: api
import socket

import hermetic
import hermetic._core as core

b = hermetic.hermetic_blocker(block_network=True, sealed=True)
with b:
    pass
ids = [core.push(b._policy) for _ in range(3)]
for ident in ids + [i - 1 for i in ids] + [i - 2 for i in ids]:
    core.remove(ident)
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
