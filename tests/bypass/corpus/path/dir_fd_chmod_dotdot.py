# attack: chmod of ../root/data.txt relative to a dir_fd of the --allow-write directory
# flags: --fs-readonly --allow-write {tmp}/w
import os
import stat

import hermetic

tmp = os.environ["ATTACK_TMP"]
path = os.path.join(tmp, "root", "data.txt")
before = stat.S_IMODE(os.stat(path).st_mode)
dfd = os.open(os.path.join(tmp, "w"), os.O_RDONLY | os.O_DIRECTORY)
try:
    os.chmod("../root/data.txt", 0o777, dir_fd=dfd)
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
print("ESCAPED" if stat.S_IMODE(os.stat(path).st_mode) != before else "BLOCKED unchanged")
