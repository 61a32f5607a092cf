# attack: read a file outside ROOT through /proc/self/root/...
# flags: --fs-readonly={tmp}/root
import os

import hermetic

path = "/proc/self/root" + os.path.join(os.environ["ATTACK_TMP"], "outside", "secret.txt")
try:
    with open(path) as f:
        print("ESCAPED", f.read().strip())
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
