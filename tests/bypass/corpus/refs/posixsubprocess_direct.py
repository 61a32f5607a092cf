# attack: _posixsubprocess.fork_exec called directly (it fires no audit event)
# flags: --no-subprocess
# requires: sys.version_info[:2] == (3, 11)
import _posixsubprocess
import os
import sys

r, w = os.pipe()
args = [sys.executable.encode(), b"-c", b"print('ESCAPED')"]
try:
    pid = _posixsubprocess.fork_exec(
        args, [sys.executable.encode()], True, (w,), None, None,
        -1, -1, -1, w, -1, -1, -1, -1, False, False, None, None, None, -1, None,
    )
    os.waitpid(pid, 0)
    print("ESCAPED pid", pid)
except RuntimeError as e:
    print("BLOCKED", e)
