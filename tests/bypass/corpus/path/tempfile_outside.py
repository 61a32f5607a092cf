# attack: tempfile in a read-only directory, and with tempfile.tempdir pointed there
# flags: --fs-readonly --allow-write {tmp}/w
import os
import tempfile

import hermetic

root = os.path.join(os.environ["ATTACK_TMP"], "root")
for make in (
    lambda: tempfile.mkstemp(dir=root),
    lambda: tempfile.mkdtemp(dir=root),
    lambda: tempfile.NamedTemporaryFile(dir=root, delete=False),
    lambda: tempfile.TemporaryFile(dir=root),
):
    try:
        make()
    except hermetic.PolicyViolation as e:
        print("BLOCKED", type(e).__name__, e)
tempfile.tempdir = root
try:
    tempfile.mkstemp()
except hermetic.PolicyViolation as e:
    print("BLOCKED", type(e).__name__, e)
extra = set(os.listdir(root)) - {"data.txt"}
print("ESCAPED " + str(extra) if extra else "BLOCKED nothing created")
