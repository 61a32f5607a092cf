# attack: a Python child started with env={}, which then tries the network itself
# flags: --no-network
import subprocess
import sys

child = """
import socket
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED child looked up")
except RuntimeError as e:
    print("BLOCKED child:", e)
except OSError as e:
    print("ESCAPED child reached the resolver:", e)
"""
r = subprocess.run([sys.executable, "-c", child], env={}, capture_output=True, text=True)
print(r.stdout.strip() or "ESCAPED? child said nothing: " + r.stderr)
