# attack: os.truncate by path, os.ftruncate of a read-only descriptor, O_RDONLY|O_TRUNC
# flags: --fs-readonly
import os

import hermetic

path = os.path.join(os.environ["ATTACK_TMP"], "root", "data.txt")
try:
    os.truncate(path, 0)
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
fd = os.open(path, os.O_RDONLY)
try:
    os.ftruncate(fd, 0)
except (hermetic.PolicyViolation, OSError) as e:  # EINVAL: not open for writing
    print("BLOCKED", type(e).__name__, e)
try:
    os.close(os.open(path, os.O_RDONLY | os.O_TRUNC))  # Linux truncates even read-only opens
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
print("ESCAPED size %d" % os.path.getsize(path) if os.path.getsize(path) != 5 else "BLOCKED unchanged")
