# attack: ctypes making the raw fork and clone(SIGCHLD) system calls under --kernel --no-subprocess
# flags: --kernel --no-subprocess
# requires: "Seccomp:" in open("/proc/self/status").read()
import ctypes
import errno
import os

libc = ctypes.CDLL(None, use_errno=True)
for name, args in (("fork", (57,)), ("clone", (56, 17, 0, 0, 0, 0))):
    pid = libc.syscall(*args)
    if pid == 0:
        os._exit(0)
    if pid > 0:
        os.waitpid(pid, 0)
        print("ESCAPED", name, pid)
    else:
        print("BLOCKED", name, errno.errorcode.get(ctypes.get_errno()))
