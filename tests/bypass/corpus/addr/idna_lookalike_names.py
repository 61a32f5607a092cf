# attack: unicode names that look like the allowed one or hide a dot (Cyrillic a, fullwidth and ideographic dots)
# flags: --allow-domain example.com
import socket

for host in ("ex\u0430mple.com", "notexample\u3002com", "evil\uff0etest", "example\u3002com\u3002evil\u3002test"):
    try:
        socket.getaddrinfo(host, 80)
        print("ESCAPED", ascii(host))
    except RuntimeError as e:
        print("BLOCKED", e)
    except OSError as e:
        print("ESCAPED the resolver was asked:", ascii(host), e)
