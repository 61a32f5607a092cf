# attack: the lookup made from a fresh thread, started with the low-level _thread module
# flags: --no-network
import _thread
import socket
import time

out = []


def work():
    try:
        socket.gethostbyname("example.com")
        out.append("ESCAPED")
    except RuntimeError as e:
        out.append("BLOCKED %s" % e)
    except OSError as e:
        out.append("ESCAPED the resolver was asked: %s" % e)


_thread.start_new_thread(work, ())
while not out:
    time.sleep(0.01)
print(out[0])
