# attack: an allowed name looked up first, hoping the remembered resolution opens other peers (metadata)
# flags: --allow-domain hermetic-allowed.test
# requires: "hermetic-allowed.test" in open("/etc/hosts").read()
import socket

socket.getaddrinfo("hermetic-allowed.test", 80)
for host in ("169.254.169.254", "127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((host, 80))
        print("ESCAPED", host, s.getpeername())
    except RuntimeError as e:
        print("BLOCKED", e)
