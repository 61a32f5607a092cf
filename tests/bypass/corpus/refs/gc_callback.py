# attack: a lookup from a gc.callbacks entry, run in the middle of a collection
# flags: --no-network
import gc
import socket

out = []


def during(phase, info):
    if phase == "start" and not out:
        try:
            socket.gethostbyname("example.com")
            out.append("ESCAPED")
        except RuntimeError as e:
            out.append("BLOCKED %s" % e)
        except OSError as e:
            out.append("ESCAPED the resolver was asked: %s" % e)


gc.callbacks.append(during)
gc.collect()
print(out[0] if out else "BLOCKED callback did not run")
