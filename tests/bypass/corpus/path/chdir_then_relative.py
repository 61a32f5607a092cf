# attack: chdir into the --allow-write directory so that a relative ../ path looks local
# flags: --fs-readonly --allow-write {tmp}/w
import os

import hermetic

os.chdir(os.path.join(os.environ["ATTACK_TMP"], "w"))
try:
    with open("../root/data.txt", "w") as f:
        f.write("x")
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
