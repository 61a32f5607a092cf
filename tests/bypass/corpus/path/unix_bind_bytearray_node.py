# attack: an AF_UNIX bind given a bytearray (a buffer, no os.PathLike) under --allow-write, aimed outside it
# flags: --fs-readonly --allow-write {tmp}/w
import os
import socket

import hermetic

node = os.path.join(os.environ["ATTACK_TMP"], "w", "..", "root", "made.sock")
s = socket.socket(socket.AF_UNIX)
try:
    s.bind(bytearray(os.fsencode(node)))
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
print("ESCAPED created " + node if os.path.exists(node) else "BLOCKED nothing created")
