# attack: a dangling link under --allow-write whose target is a new file in a read-only place; O_CREAT follows it
# flags: --fs-readonly --allow-write {tmp}/w
import os

import hermetic

tmp = os.environ["ATTACK_TMP"]
target = os.path.join(tmp, "root", "created.txt")
link = os.path.join(tmp, "w", "dangling")
os.symlink(target, link)
try:
    fd = os.open(link, os.O_WRONLY | os.O_CREAT, 0o644)
    os.close(fd)
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
print("ESCAPED" if os.path.exists(target) else "BLOCKED nothing created")
