# attack: loopback as IPv6, v4-mapped and expanded spellings, without --allow-localhost
# flags: --allow-ip 192.0.2.0/24 --allow-ip 2001:db8::/32
import socket

for host in ("::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::FFFF:127.9.9.9", "::1%lo"):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        s.connect((host, 9))
        print("ESCAPED", host, s.getpeername())
    except RuntimeError as e:
        print("BLOCKED", e)
