# attack: chdir outside ROOT (allowed without --no-interpreter-mutation), then read through /proc/self/cwd
# flags: --fs-readonly={tmp}/root
import os

import hermetic

os.chdir(os.path.join(os.environ["ATTACK_TMP"], "outside"))
try:
    with open("/proc/self/cwd/secret.txt") as f:
        print("ESCAPED", f.read().strip())
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
