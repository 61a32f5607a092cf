# attack: os.system saved under another name before any call
# flags: --no-subprocess
import os

run = os.system
del os.system
try:
    run("true")
    print("ESCAPED")
except RuntimeError as e:
    print("BLOCKED", e)
