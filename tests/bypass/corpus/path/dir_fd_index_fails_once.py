# attack: a dir_fd whose __index__ raises for the guard's conversion and answers for the interpreter's
# flags: --fs-readonly --allow-write {tmp}/w
import os

import hermetic

tmp = os.environ["ATTACK_TMP"]
os.chdir(os.path.join(tmp, "w"))  # "data.txt" alone would be under w/
dfd = os.open(os.path.join(tmp, "root"), os.O_RDONLY | os.O_DIRECTORY)


class Flaky:
    calls = 0

    def __index__(self):
        Flaky.calls += 1
        if Flaky.calls == 1:
            raise ValueError("not yet")
        return dfd


try:
    os.close(os.open("data.txt", os.O_WRONLY | os.O_TRUNC, dir_fd=Flaky()))
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
except ValueError as e:
    print("BLOCKED the call failed:", e)  # the interpreter got the guard's answer
size = os.path.getsize(os.path.join(tmp, "root", "data.txt"))
print("ESCAPED truncated" if size == 0 else "BLOCKED unchanged")
