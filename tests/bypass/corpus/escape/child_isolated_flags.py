# attack: children started with -I, -E, -S, -s and -X frozen_modules=off, which skip environment and site
# flags: --no-network
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
for flags in (["-I"], ["-E"], ["-S"], ["-s"], ["-I", "-S", "-X", "frozen_modules=off"]):
    out = subprocess.run([sys.executable, *flags, "-c", CHILD], capture_output=True, text=True)
    print(flags, out.stdout.strip(), out.stderr.strip()[-200:])
