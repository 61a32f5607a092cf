# attack: ctypes execve of a shell under --kernel --no-subprocess: the kernel must refuse it
# flags: --kernel --no-subprocess
# requires: "Seccomp:" in open("/proc/self/status").read()
import ctypes
import errno

libc = ctypes.CDLL(None, use_errno=True)
argv = (ctypes.c_char_p * 4)(b"/bin/sh", b"-c", b"echo ESCAPED", None)
rc = libc.execve(b"/bin/sh", argv, None)
err = ctypes.get_errno()
print("BLOCKED execve failed" if err == errno.EPERM else "ESCAPED? unexpected errno", rc, errno.errorcode.get(err))
