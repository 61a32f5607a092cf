# attack: metadata written with full-width digits and ideographic dots, which idna folds to ASCII
# flags: --allow-ip 0.0.0.0/0
import socket

for host in ("\uff11\uff16\uff19.\uff12\uff15\uff14.\uff11\uff16\uff19.\uff12\uff15\uff14", "169\u3002254\u3002169\u3002254", "169\uff0e254\uff0e169\uff0e254"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((host, 80))
        print("ESCAPED", ascii(host), s.getpeername())
    except RuntimeError as e:
        print("BLOCKED", e)
