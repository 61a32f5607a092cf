# attack: point descriptor 1 at a read-only file with dup2, then open the always-allowed /dev/stdout for writing
# flags: --fs-readonly
import os

import hermetic

path = os.path.join(os.environ["ATTACK_TMP"], "root", "data.txt")
saved = os.dup(1)
fd = os.open(path, os.O_RDONLY)
os.dup2(fd, 1)
try:
    with open("/dev/stdout", "w") as f:
        f.write("OVERWRITTEN\n")
    result = None
except hermetic.PolicyViolation as e:
    result = e
os.dup2(saved, 1)
with open(path) as f:
    content = f.read()
if content != "data\n":
    print("ESCAPED", repr(content))
else:
    print("BLOCKED", result)
