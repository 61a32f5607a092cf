# attack: scoped link-local metadata fe80::a9fe:a9fe%lo, and a scope given as the tuple's scope_id
# flags: --allow-ip 0.0.0.0/0 --allow-ip ::/0
import socket

for addr in (("fe80::a9fe:a9fe%lo", 80), ("fe80::a9fe:a9fe", 80, 0, 1), ("fd00:ec2::254%1", 80), ("fe80::a9fe:a9fe%lo", 80, 0, 1)):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        s.connect(addr)
        print("ESCAPED", addr, s.getpeername())
    except RuntimeError as e:
        print("BLOCKED", e)
