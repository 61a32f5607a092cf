# attack: unwind the with-statement of a sealed blocker with an exception (and a BaseException) and carry on
# mode: api
import socket

import hermetic


class Out(BaseException):
    pass


for exc in (ValueError("out"), Out(), KeyboardInterrupt()):
    try:
        with hermetic.hermetic_blocker(block_network=True, sealed=True):
            raise exc
    except BaseException:
        pass
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
