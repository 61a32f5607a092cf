# attack: leave a sealed blocker through a copy of it, a forged _ids list and a new object sharing its Policy
# mode: api
import copy
import socket

import hermetic

b = hermetic.hermetic_blocker(block_network=True, sealed=True)
b.__enter__()
twins = [copy.copy(b)]  # a Policy does not pickle, so no deepcopy
forged = hermetic.hermetic_blocker()
forged._policy = b._policy
forged._ids = list(b._ids) + list(range(100))
twins.append(forged)
for t in twins:
    while True:
        try:
            t.__exit__(None, None, None)
        except Exception:
            break
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
