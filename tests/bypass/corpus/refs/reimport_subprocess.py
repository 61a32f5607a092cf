# attack: subprocess and _posixsubprocess deleted from sys.modules and imported afresh
# flags: --no-subprocess
import sys

for name in ("subprocess", "_posixsubprocess"):
    sys.modules.pop(name, None)
import _posixsubprocess  # noqa: E402
import subprocess  # noqa: E402

assert _posixsubprocess is sys.modules["_posixsubprocess"]
try:
    subprocess.run([sys.executable, "-c", "pass"])
    print("ESCAPED")
except RuntimeError as e:
    print("BLOCKED", e)
