# attack: under --seal, stack an observing blocker with the same guard, hoping it turns the sealed block into a report
# flags: --no-network --seal
import socket

import hermetic

with hermetic.hermetic_blocker(block_network=True, observe=True):
    try:
        socket.getaddrinfo("example.com", 80)
        print("ESCAPED")
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
