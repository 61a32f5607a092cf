# attack: a PathLike given to io.FileIO that answers the interpreter with a read-only file and the guard with a writable one
# flags: --fs-readonly --allow-write {tmp}/w
# limitation: whose `__fspath__` answers differently on each call is judged on the answer it gives the guard
import io
import os
import sys

import hermetic

tmp = os.environ["ATTACK_TMP"]
victim = os.path.join(tmp, "root", "data.txt")


class Two:
    calls = 0

    def __fspath__(self):
        Two.calls += 1
        caller = sys._getframe(1)  # the same frame for both: only the count differs
        return victim if Two.calls == 1 else os.path.join(tmp, "w", "harmless")


try:
    with io.FileIO(Two(), "w") as f:  # io.FileIO reports the object, not the path it used
        f.write(b"x")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
with open(victim) as f:
    print("ESCAPED overwrote " + victim if f.read() != "data\n" else "BLOCKED unchanged")
