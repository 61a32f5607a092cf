# attack: native code: libc's truncate() called through ctypes, past every audit event
# flags: --fs-readonly
# limitation: native code is not held: ctypes, cffi or a C extension can call `connect`, `execve` or `fork` directly
import ctypes
import os

path = os.path.join(os.environ["ATTACK_TMP"], "root", "data.txt")
libc = ctypes.CDLL(None, use_errno=True)
libc.truncate(os.fsencode(path), ctypes.c_long(0))
print("ESCAPED truncated" if os.path.getsize(path) == 0 else "BLOCKED unchanged")
