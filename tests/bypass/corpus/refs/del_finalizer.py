# attack: a lookup from __del__ of an object kept alive until interpreter shutdown
# flags: --no-network
import socket
import sys


class Late:
    def __del__(self):
        try:
            socket.getaddrinfo("example.com", 80)
            sys.stdout.write("ESCAPED\n")
        except RuntimeError as e:
            sys.stdout.write("BLOCKED %s\n" % e)
        except OSError as e:
            sys.stdout.write("ESCAPED the resolver was asked: %s\n" % e)
        sys.stdout.flush()


keep = Late()
keep.cycle = keep  # only the final collection at shutdown frees it
