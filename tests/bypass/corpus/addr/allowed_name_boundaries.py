# attack: names that contain the allowed one but are not under it (suffix without dot, extra labels, two dots)
# flags: --allow-domain example.com
import socket

for host in ("notexample.com", "example.com.evil.test", "EXAMPLE.COM.evil.test.", "example.com..", "evil.test/example.com", "example.comm"):
    try:
        socket.getaddrinfo(host, 80)
        print("ESCAPED", host)
    except RuntimeError as e:
        print("BLOCKED", e)
    except OSError as e:
        print("ESCAPED the resolver was asked:", host, e)
