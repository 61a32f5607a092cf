# attack: os.execv from a worker thread while the main thread sleeps
# flags: --no-subprocess
import os
import sys
import threading
import time

out = []


def work():
    try:
        os.execv(sys.executable, [sys.executable, "-c", "print('ESCAPED replaced')"])
    except RuntimeError as e:
        out.append("BLOCKED %s" % e)


t = threading.Thread(target=work)
t.start()
t.join()
time.sleep(0.1)
print(out[0] if out else "ESCAPED?")
