# attack: socket.getaddrinfo replaced in Python so an allowed name "resolves" to the metadata address for create_connection
# flags: --allow-domain hermetic-allowed.test --allow-ip 0.0.0.0/0
import socket

real = socket.getaddrinfo


def fake(host, port, *args, **kwargs):
    if host == "hermetic-allowed.test":
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]
    return real(host, port, *args, **kwargs)


socket.getaddrinfo = fake
try:
    socket.create_connection(("hermetic-allowed.test", 80), timeout=1)
    print("ESCAPED connected")
except RuntimeError as e:
    print("BLOCKED", e)
except OSError as e:
    print("ESCAPED connect to metadata was attempted:", e)
