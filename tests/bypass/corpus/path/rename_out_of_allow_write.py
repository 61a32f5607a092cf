# attack: os.rename / os.replace of a file made under --allow-write onto a read-only file
# flags: --fs-readonly --allow-write {tmp}/w
import os

import hermetic

tmp = os.environ["ATTACK_TMP"]
dst = os.path.join(tmp, "root", "data.txt")
for fn in (os.rename, os.replace):
    src = os.path.join(tmp, "w", "evil")
    with open(src, "w") as f:
        f.write("evil\n")
    try:
        fn(src, dst)
    except hermetic.PolicyViolation as e:
        print("BLOCKED", fn.__name__, e)
with open(dst) as f:
    print("ESCAPED" if f.read() != "data\n" else "BLOCKED unchanged")
