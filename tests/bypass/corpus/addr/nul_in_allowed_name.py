# attack: a NUL byte: the guard might judge "localhost\0.allowed" as under the allowed name while C resolves "localhost"
# flags: --allow-domain hermetic-allowed.test
import socket

name = b"localhost\x00.hermetic-allowed.test"
for label, call in (
    ("getaddrinfo", lambda: socket.getaddrinfo(name, 80)),
    ("gethostbyname", lambda: socket.gethostbyname(name.decode())),
    ("gethostbyname_ex", lambda: socket.gethostbyname_ex(bytearray(name))),
):
    try:
        print("ESCAPED", label, call())
    except RuntimeError as e:
        print("BLOCKED", e)
    except (TypeError, ValueError) as e:
        print("BLOCKED refused by CPython:", label, e)
    except OSError as e:
        print("ESCAPED the resolver was asked:", label, e)
