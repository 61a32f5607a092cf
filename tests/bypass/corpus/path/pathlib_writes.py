# attack: pathlib's writers: write_text, write_bytes, touch, open("a")
# flags: --fs-readonly
import os
from pathlib import Path

import hermetic

p = Path(os.environ["ATTACK_TMP"], "root", "data.txt")
for act in (
    lambda: p.write_text("x"),
    lambda: p.write_bytes(b"x"),
    lambda: p.with_name("new").touch(),
    lambda: p.open("a").write("x"),
):
    try:
        act()
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
changed = p.read_text() != "data\n" or p.with_name("new").exists()
print("ESCAPED" if changed else "BLOCKED unchanged")
