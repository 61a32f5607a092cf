# attack: process creation from an atexit handler, when the program is ending
# flags: --no-subprocess
import atexit
import os


def late():
    try:
        os.system("true")
        print("ESCAPED")
    except RuntimeError as e:
        print("BLOCKED", e)


atexit.register(late)
