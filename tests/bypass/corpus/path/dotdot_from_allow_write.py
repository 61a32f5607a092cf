# attack: a write-open that starts under the --allow-write directory and climbs out with ..
# flags: --fs-readonly --allow-write {tmp}/w
import os

import hermetic

tmp = os.environ["ATTACK_TMP"]
try:
    with open(os.path.join(tmp, "w", "..", "root", "data.txt"), "w") as f:
        f.write("x")
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
