# attack: io.FileIO in read mode whose opener= opens the file for writing itself
# flags: --fs-readonly
import io
import os

import hermetic

path = os.path.join(os.environ["ATTACK_TMP"], "root", "data.txt")
try:
    f = io.FileIO(path, "r", opener=lambda p, flags: os.open(p, os.O_RDWR))
    os.write(f.fileno(), b"X")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
with open(path, "rb") as f:
    print("ESCAPED" if f.read() != b"data\n" else "BLOCKED unchanged")
