# attack: bind() of an AF_UNIX socket creates a file in a read-only directory (a node, like mknod)
# flags: --fs-readonly
import os
import socket

import hermetic

node = os.path.join(os.environ["ATTACK_TMP"], "root", "made.sock")
s = socket.socket(socket.AF_UNIX)
try:
    s.bind(node)
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
print("ESCAPED created " + node if os.path.exists(node) else "BLOCKED nothing created")
