# attack: rewrite HERMETIC_FLAGS_JSON in os.environ (an empty policy, garbage, an observing policy) before spawning
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
real = os.environ.get("HERMETIC_FLAGS_JSON", "")
for value in ("[]", "{}", "x", real.replace("block_network", "observe"), real.replace("true", "false")):
    os.environ["HERMETIC_FLAGS_JSON"] = value
    os.putenv("HERMETIC_FLAGS_JSON", value)
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True)
    print(repr(value[:30]), out.stdout.strip(), out.stderr.strip()[-150:])
