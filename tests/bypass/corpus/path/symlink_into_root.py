# attack: os.symlink and os.link whose new name lies in a read-only directory
# flags: --fs-readonly --allow-write {tmp}/w
import os

import hermetic

tmp = os.environ["ATTACK_TMP"]
made = []
for fn in (os.symlink, os.link):
    src = os.path.join(tmp, "w", "src")
    open(src, "w").close()
    new = os.path.join(tmp, "root", "new-" + fn.__name__)
    try:
        fn(src, new)
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
    if os.path.lexists(new):
        made.append(new)
print("ESCAPED " + " ".join(made) if made else "BLOCKED nothing made")
