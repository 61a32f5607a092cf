# attack: UDP sendmsg with the peer as its fourth argument, and sendto with flags
# flags: --allow-ip 192.0.2.0/24
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for label, call in (
    ("sendmsg", lambda: s.sendmsg([b"x"], [], 0, ("198.51.100.7", 53))),
    ("sendmsg-metadata", lambda: s.sendmsg([b"x"], [], 0, ("169.254.169.254", 53))),
    ("sendto-flags", lambda: s.sendto(b"x", 0, ("198.51.100.7", 53))),
    ("sendto", lambda: s.sendto(b"x", ("2852039166", 53))),
):
    try:
        call()
        print("ESCAPED", label)
    except RuntimeError as e:
        print("BLOCKED", label, e)
    except OSError as e:
        print("ESCAPED the packet was handed to the kernel:", label, e)
