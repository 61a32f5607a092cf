# attack: an allowed name whose address (from the hosts file) is loopback, connected by name without --allow-localhost
# flags: --allow-domain hermetic-allowed.test
# requires: "hermetic-allowed.test" in open("/etc/hosts").read()
# limitation: An allowed name that resolves to a loopback or private address (DNS rebinding) opens that address
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.connect(("hermetic-allowed.test", 9))
    print("ESCAPED", s.getpeername())
except RuntimeError as e:
    print("BLOCKED", e)
