# attack: shutil.copy, copy2 and copytree into a read-only directory
# flags: --fs-readonly --allow-write {tmp}/w
import os
import shutil

import hermetic

tmp = os.environ["ATTACK_TMP"]
src = os.path.join(tmp, "w", "payload")
with open(src, "w") as f:
    f.write("p")
for fn, dst in ((shutil.copy, "c1"), (shutil.copy2, "c2"), (shutil.copytree, "tree")):
    try:
        fn(src if fn is not shutil.copytree else os.path.join(tmp, "w"), os.path.join(tmp, "root", dst))
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
extra = set(os.listdir(os.path.join(tmp, "root"))) - {"data.txt"}
print("ESCAPED " + str(extra) if extra else "BLOCKED nothing copied")
