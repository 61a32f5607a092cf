# attack: call the guarded action at the very edge of the recursion limit, so the hook meets RecursionError mid-check
# flags: --fs-readonly
import io
import os
import sys

import hermetic

path = os.path.join(os.environ["ATTACK_TMP"], "root", "data.txt")


class P:
    def __fspath__(self):
        return path


def at_depth(n, fn):
    if n:
        return at_depth(n - 1, fn)
    return fn()


sys.setrecursionlimit(200)
outcomes = set()
for depth in range(120, 200):
    try:
        at_depth(depth, lambda: io.FileIO(P(), "a").close())
        outcomes.add("opened")
    except hermetic.PolicyViolation:
        outcomes.add("violation")
    except RecursionError:
        outcomes.add("recursion")
sys.setrecursionlimit(1000)
with open(path) as f:
    print(sorted(outcomes))
    print("ESCAPED" if "opened" in outcomes or f.read() != "data\n" else "BLOCKED")
