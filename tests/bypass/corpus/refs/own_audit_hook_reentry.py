# attack: the program's own audit hook spawns a process from inside another event
# flags: --no-subprocess
import os
import sys

out = []


def hook(event, args):
    if event == "os.listdir" and not out:
        out.append("ran")
        try:
            os.system("true")
            out.append("ESCAPED")
        except RuntimeError as e:
            out.append("BLOCKED %s" % e)


sys.addaudithook(hook)
os.listdir(".")
print(out[-1] if len(out) > 1 else "BLOCKED hook did not run")
