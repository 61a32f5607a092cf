# attack: sqlite3 read-write opens: a plain name, a URI without mode, mode=rw spelled oddly
# flags: --fs-readonly
import os
import sqlite3

import hermetic

root = os.path.join(os.environ["ATTACK_TMP"], "root")
for db, uri in (
    (os.path.join(root, "a.db"), False),
    ("file:" + os.path.join(root, "b.db"), True),
    ("file:" + os.path.join(root, "c.db") + "?mode=rwc&immutable=0", True),
    ("file:" + os.path.join(root, "d.db") + "?mod%65=ro", True),  # SQLite decodes the key
):
    try:
        sqlite3.connect(db, uri=uri).execute("create table t (x)")
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
extra = set(os.listdir(root)) - {"data.txt"}
print("ESCAPED " + str(extra) if extra else "BLOCKED nothing created")
