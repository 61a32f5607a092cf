# attack: a sqlite3 URI whose path is cut short by %00 (SQLite skips to "?"), the rest a name under w/
# flags: --fs-readonly --allow-write {tmp}/w
import os
import sqlite3

import hermetic

tmp = os.environ["ATTACK_TMP"]
target = os.path.join(tmp, "root", "evil.db")
os.chdir(os.path.join(tmp, "w"))  # the whole text is a relative name under w/
try:
    con = sqlite3.connect("file:" + target + "%00?mode=rwc", uri=True)
    con.execute("create table t (x)")
    con.commit()
    con.close()
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
print("ESCAPED created " + target if os.path.exists(target) else "BLOCKED nothing created")
