# attack: replace the --allow-write directory itself with a link to a read-only directory
# flags: --fs-readonly --allow-write {tmp}/w
import os

import hermetic

tmp = os.environ["ATTACK_TMP"]
w = os.path.join(tmp, "w")
try:
    os.rmdir(w)  # w itself is "under w"
    os.symlink(os.path.join(tmp, "root"), w)
    with open(os.path.join(w, "data.txt"), "w") as f:
        f.write("x")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
with open(os.path.join(tmp, "root", "data.txt")) as f:
    print("ESCAPED" if f.read() != "data\n" else "BLOCKED unchanged")
