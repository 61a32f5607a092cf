# attack: the private _socket module's own socket type and resolver, never touching socket.py
# flags: --no-network
import _socket

results = []
try:
    _socket.gethostbyname_ex("example.com")
    results.append("ESCAPED gethostbyname_ex")
except RuntimeError as e:
    results.append("BLOCKED %s" % e)
except OSError as e:
    results.append("ESCAPED gethostbyname_ex reached the resolver: %s" % e)
s = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
try:
    s.sendto(b"x", ("192.0.2.10", 53))
    results.append("ESCAPED sendto")
except RuntimeError as e:
    results.append("BLOCKED %s" % e)
print("\n".join(results))
