# attack: a symbolic link made under --allow-write that points at a read-only file, then written through
# flags: --fs-readonly --allow-write {tmp}/w
import os

import hermetic

tmp = os.environ["ATTACK_TMP"]
link = os.path.join(tmp, "w", "link")
os.symlink(os.path.join(tmp, "root", "data.txt"), link)  # allowed: the link is in w/
try:
    with open(link, "a") as f:
        f.write("x")
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
