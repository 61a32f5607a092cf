# attack: under a sealed blocker, enter and leave an ordinary blocker with the same policy, hoping leaving pops the top
# mode: api
import socket

import hermetic

with hermetic.hermetic_blocker(block_network=True, sealed=True):
    pass
inner = hermetic.hermetic_blocker(block_network=True)
for _ in range(3):
    with inner:
        pass
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
