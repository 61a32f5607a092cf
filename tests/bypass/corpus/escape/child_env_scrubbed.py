# attack: Python children started with a scrubbed environment (env={}), by subprocess, os.execve's cousin posix_spawn and os.spawnve
# flags: --no-network
import os
import subprocess
import sys

CHILD = """
import socket
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED child")
except RuntimeError as e:
    print("BLOCKED child", e)
"""
print(subprocess.run([sys.executable, "-c", CHILD], env={}, capture_output=True, text=True).stdout)
r, w = os.pipe()
pid = os.posix_spawn(sys.executable, [sys.executable, "-c", CHILD], {}, file_actions=[(os.POSIX_SPAWN_DUP2, w, 1)])
os.close(w)
os.waitpid(pid, 0)
print(os.read(r, 4096).decode())
