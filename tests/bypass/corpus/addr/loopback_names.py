# attack: localhost spelled as a name, upper-case, with a trailing dot, or under .localhost
# flags: --allow-ip 192.0.2.0/24
import socket

for host in ("localhost", "LOCALHOST.", "LocalHost", "a.b.localhost", "localhost\u3002"):
    try:
        socket.getaddrinfo(host, 9)
        print("ESCAPED", repr(host))
    except RuntimeError as e:
        print("BLOCKED", e)
    except OSError as e:
        print("ESCAPED the resolver was asked:", repr(host), e)
