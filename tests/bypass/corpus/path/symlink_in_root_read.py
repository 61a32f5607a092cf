# attack: a link inside ROOT, made before the guard, that points at a file outside ROOT
# mode: api
import os

import hermetic

tmp = os.environ["ATTACK_TMP"]
link = os.path.join(tmp, "root", "innocent.txt")
os.symlink(os.path.join(tmp, "outside", "secret.txt"), link)
with hermetic.hermetic_blocker(fs_root=os.path.join(tmp, "root")):
    try:
        with open(link) as f:
            print("ESCAPED", f.read().strip())
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
