# attack: os.open with O_WRONLY|O_CREAT|O_TRUNC written as plain numbers, and as an int subclass
# flags: --fs-readonly
import os

import hermetic

root = os.path.join(os.environ["ATTACK_TMP"], "root")


class Flags(int):
    def __and__(self, other):
        return 0


for flags in (0o1102, 577, Flags(0o101), 0o20200000 | 0o2):  # the last: O_TMPFILE|O_RDWR
    path = root if flags == 0o20200002 else os.path.join(root, "n%d" % int(flags))
    try:
        os.close(os.open(path, flags, 0o600))
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
extra = set(os.listdir(root)) - {"data.txt"}
print("ESCAPED " + str(extra) if extra else "BLOCKED nothing created")
