# attack: a read-only descriptor opened before the guard, reopened for writing with os.fdopen and /dev/fd/N
# mode: api
import os

import hermetic

tmp = os.environ["ATTACK_TMP"]
path = os.path.join(tmp, "root", "data.txt")
fd = os.open(path, os.O_RDONLY)
with hermetic.hermetic_blocker(fs_readonly=True):
    try:
        with open("/dev/fd/%d" % fd, "w") as f:
            f.write("x")
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
    f = os.fdopen(fd, "w")  # the descriptor's own access mode still holds
    try:
        f.write("x")
        f.close()
    except OSError:
        pass  # EBADF
with open(path) as f:
    content = f.read()
print("ESCAPED " + repr(content) if content != "data\n" else "BLOCKED unchanged")
