# attack: a directory link under --allow-write to a read-only directory, used as a middle component
# flags: --fs-readonly --allow-write {tmp}/w
import os

import hermetic

tmp = os.environ["ATTACK_TMP"]
os.symlink(os.path.join(tmp, "root"), os.path.join(tmp, "w", "r"))
try:
    with open(os.path.join(tmp, "w", "r", "new.txt"), "x") as f:
        f.write("x")
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
