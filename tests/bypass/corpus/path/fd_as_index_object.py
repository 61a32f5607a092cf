# attack: fchmod/fchown/futimes given the descriptor as an object with __index__ (the event carries the object, not an int)
# flags: --fs-readonly
import os
import stat

import hermetic


class Fd:
    def __init__(self, fd):
        self.fd = fd

    def __index__(self):
        return self.fd


path = os.path.join(os.environ["ATTACK_TMP"], "root", "data.txt")
before = os.stat(path)
fd = os.open(path, os.O_RDONLY)
for call in (
    lambda: os.chmod(Fd(fd), 0o777),
    lambda: os.utime(Fd(fd), (0, 0)),
    lambda: os.chown(Fd(fd), os.getuid(), os.getgid()),
):
    try:
        call()
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
after = os.stat(path)
changed = stat.S_IMODE(after.st_mode) != stat.S_IMODE(before.st_mode) or after.st_mtime != before.st_mtime
print("ESCAPED" if changed else "BLOCKED unchanged")
