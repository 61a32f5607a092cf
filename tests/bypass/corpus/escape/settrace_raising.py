# attack: sys.settrace and sys.setprofile functions that raise on every event, also inside the guard's callbacks
# flags: --fs-readonly
import io
import os
import sys

import hermetic

path = os.path.join(os.environ["ATTACK_TMP"], "root", "data.txt")


class P:
    def __fspath__(self):
        return path


def boom(frame, event, arg):
    if frame.f_code.co_name == "__fspath__":
        raise ValueError("trace says no")
    return boom


opened = 0
for install in (sys.settrace, sys.setprofile):
    install(boom)
    try:
        io.FileIO(P(), "a").close()
        opened += 1
    except (hermetic.PolicyViolation, ValueError):
        pass
    finally:
        install(None)
print("ESCAPED" if opened else "BLOCKED")
