"""Attacks on the filesystem and interpreter mutation guards.

Every case here was a working bypass once; each program prints BLOCKED
when the guard held and ESCAPED when it did not.  They run in a fresh
process under the command line, the way an untrusted program would be.

Layout: ROOT (the --fs-readonly=ROOT root) holds the script's directory,
W (the --allow-write directory) and A/B (a working directory two levels
down); OUT, beside ROOT, holds SECRET, a file the program must neither
read nor write, and EVIL, a directory of modules it must not import.
"""

import sys
import textwrap

import pytest

PY = sys.executable

INDEX = """
import os
class I:
    def __init__(self, v):
        self.v = v
    def __index__(self):
        return self.v
"""

# The relative names look, from the working directory ROOT/A/B, as if
# they stayed inside ROOT; from the descriptor they climb out of it.
DIR_FD_INDEX_READ = INDEX + """
try:
    up = os.open("../..", os.O_RDONLY)
    for _ in range(40):
        up = os.open("..", os.O_RDONLY, dir_fd=I(up))
    f = os.open("etc/passwd", os.O_RDONLY, dir_fd=I(up))
    print("ESCAPED" if os.read(f, 64) else "BLOCKED nothing read")
except RuntimeError as e:
    print("BLOCKED", e)
"""

DIR_FD_INDEX_WRITE = INDEX + """
d = os.open("@OUT@", os.O_RDONLY)
try:
    os.open("pwned", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=I(d))
except RuntimeError as e:
    print("BLOCKED", e)
print("ESCAPED" if os.path.exists("@OUT@/pwned") else "BLOCKED")
"""

DIR_FD_INDEX_MKFIFO = INDEX + """
d = os.open("@OUT@", os.O_RDONLY)
try:
    os.mkfifo("fifo", dir_fd=I(d))
except RuntimeError as e:
    print("BLOCKED", e)
print("ESCAPED" if os.path.exists("@OUT@/fifo") else "BLOCKED")
"""

DIR_FD_NOT_AN_INDEX = """
import os
d = os.open("@OUT@", os.O_RDONLY)
for call in (lambda: os.open("x", os.O_RDONLY, dir_fd="3"),
             lambda: os.mkfifo("fifo", dir_fd=2**80)):
    try:
        call()
        print("ESCAPED")
    except (TypeError, OverflowError) as e:
        print("BLOCKED", type(e).__name__)
"""

LINK_THROUGH_SYMLINK_WRITE = """
import os
os.symlink("@SECRET@", "@W@/l")
d = os.open("@W@", os.O_RDONLY)
try:
    os.link("l", "hard", src_dir_fd=d, dst_dir_fd=d, follow_symlinks=True)
except RuntimeError as e:
    print("BLOCKED", e)
else:
    with open("@W@/hard", "w") as f:
        f.write("pwned")
with open("@SECRET@") as f:
    print("ESCAPED" if f.read() == "pwned" else "BLOCKED")
"""

LINK_THROUGH_SYMLINK_READ = """
import os
os.symlink("@SECRET@", "@W@/l")
d = os.open("@W@", os.O_RDONLY)
try:
    os.link("l", "hard", src_dir_fd=d, dst_dir_fd=d, follow_symlinks=True)
    with open("@W@/hard") as f:
        print("ESCAPED" if f.read() == "secret" else "BLOCKED")
except RuntimeError as e:
    print("BLOCKED", e)
"""

SQLITE_CONNECTION_DIRECT = """
import os, sqlite3
try:
    c = sqlite3.Connection("file:@OUT@/pwn.db?mode=rwc", uri=True)
    c.execute("create table t(x)")
    c.commit()
except RuntimeError as e:
    print("BLOCKED", e)
print("ESCAPED" if os.path.exists("@OUT@/pwn.db") else "BLOCKED")
"""

SQLITE_FACTORY_FLIPS_URI = """
import os, sqlite3
class C(sqlite3.Connection):
    def __init__(self, database, *args, **kwargs):
        kwargs["uri"] = True
        super().__init__(database, *args, **kwargs)
try:
    c = sqlite3.connect("file:@OUT@/pwn.db?mode=rwc", factory=C)
    c.execute("create table t(x)")
    c.commit()
except RuntimeError as e:
    print("BLOCKED", e)
print("ESCAPED" if os.path.exists("@OUT@/pwn.db") else "BLOCKED")
"""

LISTDIR_MINUS_ONE = """
import os
for name, call in (("listdir", lambda: os.listdir(-1)),
                   ("scandir", lambda: [e.name for e in os.scandir(-1)])):
    try:
        print("ESCAPED" if "secret" in call() else "BLOCKED", name)
    except RuntimeError as e:
        print("BLOCKED", name, e)
"""

PRIME_CACHE = """
import sys
from importlib.machinery import FileFinder, SourceFileLoader, SOURCE_SUFFIXES
try:
    import no_such_module_anywhere
except ImportError:
    pass
k = sys.path[0]
assert k in sys.path_importer_cache, "setup"
"""

IMPORTER_CACHE_READDED = PRIME_CACHE + """
del sys.path_importer_cache[k]
open(__file__).close()
sys.path_importer_cache[k] = FileFinder("@EVIL@", (SourceFileLoader, SOURCE_SUFFIXES))
try:
    import evilmod
except RuntimeError as e:
    print("BLOCKED", e)
except ImportError as e:
    print("BLOCKED", repr(e))
"""

IMPORTER_CACHE_FINDER_MUTATED = PRIME_CACHE + """
f = sys.path_importer_cache[k]
f.path = "@EVIL@"
f.invalidate_caches()
try:
    import evilmod
except RuntimeError as e:
    print("BLOCKED", e)
except ImportError as e:
    print("BLOCKED", repr(e))
print("path restored" if f.path != "@EVIL@" else "ESCAPED path kept")
"""

# A new entry, which makes the cache be recorded again, in the same
# window as the finder changed in place.
IMPORTER_CACHE_FINDER_MUTATED_AND_GROWN = PRIME_CACHE + """
import pkgutil
f = sys.path_importer_cache[k]
f.path = "@EVIL@"
f.invalidate_caches()
pkgutil.get_importer("@ROOT@/A")
try:
    import evilmod
except RuntimeError as e:
    print("BLOCKED", e)
except ImportError as e:
    print("BLOCKED", repr(e))
"""

NON_UTF8_BYTES_PATH = """
try:
    open(b"@OUT@/\\xff\\nx", "w")
    print("ESCAPED")
except RuntimeError as e:
    assert isinstance(e, PermissionError)
    print("BLOCKED", repr(str(e)), repr(e.target))
except UnicodeDecodeError as e:
    print("ESCAPED as", repr(e))
"""

RO_ROOT = ["--fs-readonly=@ROOT@"]
RO_W = ["--fs-readonly", "--allow-write", "@W@"]
RO_ROOT_W = ["--fs-readonly=@ROOT@", "--allow-write", "@W@"]
NO_MUT = ["--no-interpreter-mutation"]

# name: (program, flags, working directory)
CASES = {
    "dir-fd-index-read": (DIR_FD_INDEX_READ, RO_ROOT, "@ROOT@/A/B"),
    "dir-fd-index-write": (DIR_FD_INDEX_WRITE, RO_W, "@W@"),
    "dir-fd-index-mkfifo": (DIR_FD_INDEX_MKFIFO, RO_W, "@W@"),
    "dir-fd-not-an-index": (DIR_FD_NOT_AN_INDEX, RO_W, "@W@"),
    "link-through-symlink-write": (LINK_THROUGH_SYMLINK_WRITE, RO_W, "@W@"),
    "link-through-symlink-read": (LINK_THROUGH_SYMLINK_READ, RO_ROOT_W, "@W@"),
    "sqlite-connection-direct-uri": (SQLITE_CONNECTION_DIRECT, RO_W, "@W@"),
    "sqlite-factory-flips-uri": (SQLITE_FACTORY_FLIPS_URI, RO_W, "@W@"),
    "listdir-minus-one": (LISTDIR_MINUS_ONE, RO_ROOT, "@OUT@"),
    "importer-cache-readded": (IMPORTER_CACHE_READDED, NO_MUT, "@ROOT@"),
    "importer-cache-finder-mutated": (IMPORTER_CACHE_FINDER_MUTATED, NO_MUT, "@ROOT@"),
    "importer-cache-finder-mutated-and-grown": (
        IMPORTER_CACHE_FINDER_MUTATED_AND_GROWN,
        NO_MUT,
        "@ROOT@",
    ),
    "non-utf8-bytes-path": (NON_UTF8_BYTES_PATH, RO_W, "@W@"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fs_attack_is_blocked(run_cli, tmp_path, name):
    code, flags, cwd = CASES[name]
    root, out = tmp_path / "root", tmp_path / "out"
    places = {
        "@ROOT@": root,
        "@W@": root / "w",
        "@OUT@": out,
        "@SECRET@": out / "secret",
        "@EVIL@": out / "evil",
    }

    def fill(text):
        for key, value in places.items():
            text = text.replace(key, str(value))
        return text

    for d in (root / "s", root / "w", root / "A" / "B", out / "evil"):
        d.mkdir(parents=True)
    (out / "secret").write_text("secret")
    (out / "evil" / "evilmod.py").write_text("print('ESCAPED evilmod imported')\n")
    script = root / "s" / "attack.py"
    script.write_text(fill(textwrap.dedent(code)))
    proc = run_cli(*map(fill, flags), "--", PY, script, cwd=fill(cwd))
    output = proc.stdout + proc.stderr
    assert "ESCAPED" not in output, output
    assert "BLOCKED" in output, output
