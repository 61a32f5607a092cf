# attack: 169.254.169.254 as one decimal, hex and octal number, with every other address allowed
# flags: --allow-ip 0.0.0.0/0
import socket

for host in ("2852039166", "0xa9fea9fe", "0XA9FEA9FE", "0251.0376.0251.0376", "0xa9.0xfe.0xa9.0xfe", "000251.254.0251.0376"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((host, 80))
        print("ESCAPED", host, s.getpeername())
    except RuntimeError as e:
        print("BLOCKED", e)
