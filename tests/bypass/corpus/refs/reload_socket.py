# attack: importlib.reload(socket) and of _socket, hoping for fresh unguarded builtins
# flags: --no-network
import importlib
import socket
import _socket

importlib.reload(_socket)
importlib.reload(socket)
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED")
except RuntimeError as e:
    print("BLOCKED", e)
except OSError as e:
    print("ESCAPED the resolver was asked:", e)
