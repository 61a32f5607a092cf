# attack: a socket class captured with `from socket import socket` before any check
# flags: --no-network
from socket import socket

s = socket()
try:
    s.connect(("93.184.216.34", 80))
    print("ESCAPED")
except RuntimeError as e:
    print("BLOCKED", e)
