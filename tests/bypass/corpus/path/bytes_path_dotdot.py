# attack: a bytes path with .. and doubled slashes, opened for writing
# flags: --fs-readonly --allow-write {tmp}/w
import os

import hermetic

tmp = os.fsencode(os.environ["ATTACK_TMP"])
try:
    with open(tmp + b"/w//./..//root/data.txt", "r+b") as f:
        f.write(b"x")
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
