# attack: connect fetched from _socket.socket's type dict and called as a plain function
# flags: --no-network
import _socket

connect = _socket.socket.__dict__["connect"]
s = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
try:
    connect(s, ("192.0.2.10", 53))
    print("ESCAPED", s.getpeername())
except RuntimeError as e:
    print("BLOCKED", e)
