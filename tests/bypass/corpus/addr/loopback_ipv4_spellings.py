# attack: loopback spelled as the C library also reads it, with only an unrelated range allowed
# flags: --allow-ip 192.0.2.0/24
import socket

for host in ("127.1", "0x7f000001", "017700000001", "2130706433", "127.0.0.0x1", "0177.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((host, 9))
        print("ESCAPED", host, s.getpeername())
    except RuntimeError as e:
        print("BLOCKED", e)
    except OSError as e:
        print("BLOCKED not an address the system takes:", host, e)
