# attack: under --seal, remove every id the core could have given out, including odd ones, from the target's own blockers too
# flags: --no-network --seal
import socket

import hermetic
import hermetic._core as core

with hermetic.hermetic_blocker(block_subprocess=True):  # --seal makes this one stay too
    pass
for ident in [*range(0, 256), 2**63, 2**64 - 1, True]:
    try:
        core.remove(ident)
    except (OverflowError, TypeError):
        pass
for probe in (lambda: socket.getaddrinfo("example.com", 80), lambda: __import__("os").system("true")):
    try:
        probe()
        print("ESCAPED")
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
