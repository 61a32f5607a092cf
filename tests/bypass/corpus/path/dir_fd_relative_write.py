# attack: a relative name opened for writing against a dir_fd of a read-only directory
# flags: --fs-readonly --allow-write {tmp}/w
import os

import hermetic

os.chdir(os.path.join(os.environ["ATTACK_TMP"], "w"))  # the name alone would be under w/
dfd = os.open(os.path.join(os.environ["ATTACK_TMP"], "root"), os.O_RDONLY | os.O_DIRECTORY)
try:
    fd = os.open("data.txt", os.O_WRONLY | os.O_TRUNC, dir_fd=dfd)
    os.close(fd)
    print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
