# attack: 169.254.169.254 in the short a.b.c and a.b forms inet_aton reads
# flags: --allow-ip 0.0.0.0/0
import socket

for host in ("169.254.43518", "169.16689662", "169.254.0xa9fe", "0xa9.16689662"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((host, 80))
        print("ESCAPED", host, s.getpeername())
    except RuntimeError as e:
        print("BLOCKED", e)
