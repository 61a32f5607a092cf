# attack: a hard link under --allow-write to a read-only file, then written through the new name
# flags: --fs-readonly --allow-write {tmp}/w
import os

import hermetic

tmp = os.environ["ATTACK_TMP"]
src = os.path.join(tmp, "root", "data.txt")
try:
    os.link(src, os.path.join(tmp, "w", "hard"))
    with open(os.path.join(tmp, "w", "hard"), "w") as f:
        f.write("x")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
with open(src) as f:
    print("ESCAPED" if f.read() != "data\n" else "BLOCKED unchanged")
