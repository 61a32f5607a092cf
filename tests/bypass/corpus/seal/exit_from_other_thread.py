# attack: leave a sealed blocker from another thread, and enter/leave ordinary ones there concurrently
# mode: api
import socket
import threading

import hermetic

b = hermetic.hermetic_blocker(block_network=True, sealed=True)
b.__enter__()


def leave():
    for _ in range(100):
        try:
            b.__exit__(None, None, None)
        except IndexError:
            pass
        with hermetic.hermetic_blocker(block_network=True):
            pass


threads = [threading.Thread(target=leave) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
