# attack: a port's __index__ runs inside a judged connect and does a reverse lookup meanwhile
# flags: --no-network --allow-localhost
import socket


class Port:
    def __index__(self):
        try:
            socket.getnameinfo(("8.8.8.8", 53), 0)
            print("ESCAPED reverse lookup ran inside a judged connect")
        except RuntimeError as e:
            print("BLOCKED", e)
        except OSError as e:
            print("ESCAPED the resolver was asked:", e)
        return 9


s = socket.socket()
s.settimeout(0.5)
try:
    s.connect(("127.0.0.1", Port()))
except OSError:
    pass
