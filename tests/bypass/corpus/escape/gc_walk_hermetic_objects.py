# attack: walk gc.get_objects() for anything of hermetic's and call whatever looks like a way out on it
# flags: --no-subprocess
import gc
import os

import hermetic

WORDS = ("remove", "pop", "exit", "clear", "reset", "uninstall", "disable", "close", "leave")
found = 0
for obj in gc.get_objects():
    mod = getattr(type(obj), "__module__", "") or ""
    if not mod.startswith("hermetic"):
        continue
    found += 1
    for name in dir(obj):
        if any(w in name.lower() for w in WORDS):
            try:
                getattr(obj, name)()
            except Exception:
                pass
    for name in ("_ids", "_policy", "flags"):
        try:
            setattr(obj, name, None)
        except Exception:
            pass
try:
    os.system("true")
    print("ESCAPED after", found, "objects")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
