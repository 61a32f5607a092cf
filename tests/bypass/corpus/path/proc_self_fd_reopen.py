# attack: reopen a read-only descriptor for writing through its /proc/self/fd/N magic link
# flags: --fs-readonly
import os

import hermetic

fd = os.open(os.path.join(os.environ["ATTACK_TMP"], "root", "data.txt"), os.O_RDONLY)
try:
    with open("/proc/self/fd/%d" % fd, "w") as f:
        f.write("x")
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
