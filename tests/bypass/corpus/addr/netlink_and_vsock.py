# attack: other families: netlink (talks to the kernel's routing), vsock, and a family given by number
# flags: --no-network
import socket

for family, kind in ((socket.AF_NETLINK, socket.SOCK_RAW), (getattr(socket, "AF_VSOCK", 40), socket.SOCK_STREAM), (17, socket.SOCK_DGRAM)):
    try:
        s = socket.socket(family, kind)
        print("ESCAPED", family, s)
    except RuntimeError as e:
        print("BLOCKED", e)
    except OSError as e:
        print("ESCAPED reached the kernel:", family, e)
