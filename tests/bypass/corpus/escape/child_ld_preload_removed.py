# attack: a child whose environment drops LD_PRELOAD and blanks HERMETIC_FLAGS_JSON, through subprocess and os.execve
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
env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "HERMETIC_FLAGS_JSON")}
env["HERMETIC_FLAGS_JSON"] = ""
env["LD_PRELOAD"] = ""
print(subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True).stdout)
sys.stdout.flush()
os.execve(sys.executable, [sys.executable, "-c", CHILD], env)
