# attack: a signal handler raising KeyboardInterrupt while the guard runs Python code (__fspath__) inside its check
# flags: --fs-readonly
import io
import os
import signal

import hermetic

path = os.path.join(os.environ["ATTACK_TMP"], "root", "data.txt")


def handler(signum, frame):
    raise KeyboardInterrupt


signal.signal(signal.SIGUSR1, handler)


class P:
    n = 0

    def __fspath__(self):
        P.n += 1
        if P.n % 2 == 0:  # the guard's call (io.FileIO converts first)
            os.kill(os.getpid(), signal.SIGUSR1)
            for _ in range(1000):
                pass
        return path


opened = 0
for _ in range(50):
    try:
        io.FileIO(P(), "a").close()
        opened += 1
    except (hermetic.PolicyViolation, KeyboardInterrupt):
        pass
print("ESCAPED opened %d times" % opened if opened else "BLOCKED never opened")
