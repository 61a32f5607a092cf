# attack: os.execve into Python with a hand-made environment that drops LD_PRELOAD and sets an empty policy
# flags: --no-network
import os
import sys

child = """
import socket
try:
    socket.gethostbyname("example.com")
    print("ESCAPED after execve")
except RuntimeError as e:
    print("BLOCKED after execve:", e)
except OSError as e:
    print("ESCAPED the resolver was asked:", e)
"""
env = {"PATH": os.environ.get("PATH", "/usr/bin"), "LD_PRELOAD": "", "HERMETIC_FLAGS_JSON": ""}
sys.stdout.flush()
os.execve(sys.executable, [sys.executable, "-I", "-c", child], env)
