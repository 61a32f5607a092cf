# attack: a shared writable mmap of a file the guard let us open read-only
# flags: --fs-readonly
import mmap
import os

import hermetic

path = os.path.join(os.environ["ATTACK_TMP"], "root", "data.txt")
try:
    with open(path, "r+b") as f:
        m = mmap.mmap(f.fileno(), 0)
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
fd = os.open(path, os.O_RDONLY)
try:
    m = mmap.mmap(fd, 0, access=mmap.ACCESS_WRITE)
    m[0:1] = b"X"
    m.flush()
except PermissionError:
    pass  # the kernel: a writable shared mapping needs a writable descriptor
with open(path, "rb") as f:
    print("ESCAPED" if f.read() != b"data\n" else "BLOCKED unchanged")
