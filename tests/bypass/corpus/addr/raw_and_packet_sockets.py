# attack: a raw IP socket (no port, no connect) and a packet socket, which bypass UDP/TCP entirely
# flags: --no-network
import socket

try:
    p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    print("ESCAPED packet socket", p)
except RuntimeError as e:
    print("BLOCKED", e)
except OSError as e:
    print("ESCAPED packet socket reached the kernel:", e)
try:
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
except RuntimeError as e:
    print("BLOCKED", e)
except OSError as e:
    print("BLOCKED no raw sockets here:", e)
else:
    try:
        r.sendto(b"\x08\x00\xf7\xff\x00\x00\x00\x00", ("192.0.2.10", 0))
        print("ESCAPED raw sendto")
    except RuntimeError as e:
        print("BLOCKED", e)
    except OSError as e:
        print("ESCAPED raw packet handed to the kernel:", e)
