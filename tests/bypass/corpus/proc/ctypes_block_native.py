# attack: ctypes calling libc fork, execve and system, under --block-native
# flags: --no-subprocess --block-native
try:
    import ctypes
    import ctypes.util
except RuntimeError as e:
    print("BLOCKED", e)
else:
    try:
        libc = ctypes.CDLL(None)
        print("ESCAPED system returned", libc.system(b"true"))
    except RuntimeError as e:
        print("BLOCKED", e)
