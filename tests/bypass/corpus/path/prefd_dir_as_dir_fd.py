# attack: a directory descriptor opened before the guard, outside ROOT, used as dir_fd and listed
# mode: api
import os

import hermetic

tmp = os.environ["ATTACK_TMP"]
dfd = os.open(os.path.join(tmp, "outside"), os.O_RDONLY | os.O_DIRECTORY)
with hermetic.hermetic_blocker(fs_root=os.path.join(tmp, "root")):
    try:
        print("ESCAPED listed", os.listdir(dfd))
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
    try:
        fd = os.open("secret.txt", os.O_RDONLY, dir_fd=dfd)
        print("ESCAPED read", os.read(fd, 100))
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
