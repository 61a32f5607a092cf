# attack: a shell child (not guarded) starts Python with LD_PRELOAD and HERMETIC_FLAGS_JSON removed
# flags: --no-network
# limitation: a non-Python program run as the target or as a child (a shell, curl) is not guarded
import subprocess
import sys

child = "import socket\ntry:\n socket.getaddrinfo('example.com', 80)\n print('ESCAPED')\nexcept RuntimeError as e:\n print('BLOCKED', e)\nexcept OSError as e:\n print('ESCAPED resolver asked', e)"
r = subprocess.run(
    ["/bin/sh", "-c", 'exec env -u LD_PRELOAD -u HERMETIC_FLAGS_JSON "$0" -c "$1"', sys.executable, child],
    capture_output=True,
    text=True,
)
print(r.stdout.strip(), r.stderr.strip())
