# attack: the wildcard and empty hosts, which the kernel sends to this machine, as peers
# flags: --allow-ip 192.0.2.0/24 --allow-ip 2001:db8::/32
import socket

for family, host in (
    (socket.AF_INET, ""),
    (socket.AF_INET, "0.0.0.0"),
    (socket.AF_INET, "0"),
    (socket.AF_INET6, "::"),
    (socket.AF_INET6, "::ffff:0.0.0.0"),
):
    s = socket.socket(family, socket.SOCK_DGRAM)
    try:
        s.connect((host, 9))
        print("ESCAPED", repr(host), s.getpeername())
    except RuntimeError as e:
        print("BLOCKED", e)
