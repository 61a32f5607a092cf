# attack: a weakref.finalize callback run at exit spawns a process
# flags: --no-subprocess
import subprocess
import sys
import weakref


class Thing:
    pass


def late():
    try:
        subprocess.run([sys.executable, "-c", "pass"])
        print("ESCAPED")
    except RuntimeError as e:
        print("BLOCKED", e)


thing = Thing()
weakref.finalize(thing, late)
