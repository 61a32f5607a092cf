# attack: a read-only sqlite3 URI outside ROOT, cut by %00 so the rest of the text is a name under ROOT
# mode: api
import os
import sqlite3

import hermetic

tmp = os.environ["ATTACK_TMP"]
secret = os.path.join(tmp, "outside", "secret.db")
con = sqlite3.connect(secret)
con.execute("create table s (v)")
con.execute("insert into s values ('SECRET')")
con.commit()
con.close()
os.chdir(os.path.join(tmp, "root"))
with hermetic.hermetic_blocker(fs_root=os.path.join(tmp, "root")):
    try:
        con = sqlite3.connect("file:" + secret + "%00?mode=ro", uri=True)
        print("ESCAPED read", con.execute("select v from s").fetchone())
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
