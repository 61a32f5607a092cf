# attack: chattr through fcntl.ioctl(FS_IOC_SETFLAGS) on a descriptor opened read-only
# mode: api
# requires: sys.platform == "linux"
import array
import fcntl
import os

import hermetic

FS_IOC_GETFLAGS = 0x80086601
FS_IOC_SETFLAGS = 0x40086602
FS_NODUMP_FL = 0x40

path = os.path.join(os.environ["ATTACK_TMP"], "root", "data.txt")
fd = os.open(path, os.O_RDONLY)
flags = array.array("l", [0])
fcntl.ioctl(fd, FS_IOC_GETFLAGS, flags, True)  # ext4, tmpfs: supported
flags[0] |= FS_NODUMP_FL
with hermetic.hermetic_blocker(fs_readonly=True):
    try:
        fcntl.ioctl(fd, FS_IOC_SETFLAGS, flags, True)
        changed = True
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
        changed = False
after = array.array("l", [0])
fcntl.ioctl(fd, FS_IOC_GETFLAGS, after, True)
if changed or after[0] & FS_NODUMP_FL:
    print("ESCAPED flags now %#x" % after[0])
