# attack: io.open captured as a bare name, writing outside the allowed directory
# flags: --allow-write {tmp}/w
import os
from io import open as o

target = os.path.join(os.environ["ATTACK_TMP"], "outside", "new.txt")
try:
    with o(target, "w") as f:
        f.write("x")
    print("ESCAPED", os.path.exists(target))
except RuntimeError as e:
    print("BLOCKED", e)
