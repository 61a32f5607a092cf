# attack: the metadata endpoints through IPv6: v4-mapped, v4-compatible, NAT64, expanded fd00:ec2::254
# flags: --allow-ip 0.0.0.0/0 --allow-ip ::/0
import socket

for host in (
    "::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe",
    "::169.254.169.254",
    "64:ff9b::a9fe:a9fe",
    "fd00:0ec2:0000:0000:0000:0000:0000:0254",
    "FD00:EC2::254",
    "::ffff:169.254.170.2",
):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        s.connect((host, 80))
        print("ESCAPED", host, s.getpeername())
    except RuntimeError as e:
        print("BLOCKED", e)
