"""The filesystem guard (SPEC 3 "Filesystem"), each case in a fresh interpreter."""

import os
import sys

import pytest

SETUP = """
import io, os, pathlib, shutil, sqlite3, sys
P = {path!r}
"""


@pytest.fixture
def tree(tmp_path):
    """root/ (readable), out/ (outside), w/ (writable), each with a file f."""
    dirs = {}
    for name in ("root", "out", "w"):
        d = tmp_path / name
        d.mkdir()
        (d / "f").write_text(f"{name} data\n")
        dirs[name] = d
    (dirs["root"] / "sub").mkdir()
    return dirs


def write_line(path):
    return f"[hermetic] blocked open write path={path} reason=fs-readonly"


def read_line(path, api="open"):
    return f"[hermetic] blocked {api} read-outside-root path={path} reason=fs-readonly"


def mutation_line(op, path):
    return f"[hermetic] blocked fs mutation op={op} path={path} reason=fs-readonly"


WRITE_OPENS = [
    "open(P, 'w')",
    "open(P, 'a')",
    "open(P + '.new', 'x')",
    "open(P, 'r+')",
    "open(P, 'wb')",
    "open(os.fsencode(P), 'w')",
    "io.FileIO(P, 'w')",
    "io.open(P, 'ab')",
    "os.open(P, os.O_WRONLY)",
    "os.open(P, os.O_RDWR)",
    "os.open(P, os.O_RDONLY | os.O_CREAT)",
    "os.open(P, os.O_RDONLY | os.O_TRUNC)",
    "os.open(P, os.O_RDONLY | os.O_APPEND)",
    "pathlib.Path(P).write_text('x')",
    "pathlib.Path(P).open('w')",
    "sqlite3.connect(P)",
    "sqlite3.connect('file:' + P + '?mode=rw', uri=True)",
]


@pytest.mark.parametrize("body", WRITE_OPENS)
def test_write_open_blocked(probe, tree, body):
    path = str(tree["out"] / "f")
    out = probe(body, setup=SETUP.format(path=path), fs_readonly=True, trace=True)
    shown = path + ".new" if "P + '.new'" in body else path
    out.assert_blocked("filesystem", shown, f"filesystem readonly: {shown}")
    assert out.raised == "FilesystemViolation"
    assert "PermissionError" in out.mro
    assert out.trace == [write_line(shown)]
    assert (tree["out"] / "f").read_text() == "out data\n"


def test_o_tmpfile_blocked(probe, tree):
    path = str(tree["out"])
    out = probe("os.open(P, os.O_TMPFILE | os.O_RDWR)", setup=SETUP.format(path=path),
                fs_readonly=True)
    out.assert_blocked("filesystem", path, f"filesystem readonly: {path}")


MUTATIONS = [
    ("os.remove(F)", "os.remove", "F"),
    ("os.unlink(F)", "os.remove", "F"),
    ("os.rename(F, G)", "os.rename", "F"),
    ("os.replace(F, G)", "os.rename", "F"),
    ("os.mkdir(G)", "os.mkdir", "G"),
    ("os.makedirs(G + '/a/b')", "os.mkdir", "G"),
    ("os.rmdir(D)", "os.rmdir", "D"),
    ("os.chmod(F, 0o600)", "os.chmod", "F"),
    ("os.chown(F, -1, -1)", "os.chown", "F"),
    ("os.lchown(F, -1, -1)", "os.chown", "F"),
    ("os.link(F, G)", "os.link", "F"),
    ("os.symlink(F, G)", "os.symlink", "G"),
    ("os.truncate(F, 0)", "os.truncate", "F"),
    ("os.utime(F)", "os.utime", "F"),
    ("os.setxattr(F, 'user.k', b'v')", "os.setxattr", "F"),
    ("os.removexattr(F, 'user.k')", "os.removexattr", "F"),
    ("os.mkfifo(G)", "os.mkfifo", "G"),
    ("os.mknod(G)", "os.mknod", "G"),
    ("pathlib.Path(F).unlink()", "os.remove", "F"),
    ("pathlib.Path(F).chmod(0o600)", "os.chmod", "F"),
    ("pathlib.Path(G).mkdir()", "os.mkdir", "G"),
    ("pathlib.Path(F).rename(G)", "os.rename", "F"),
    ("shutil.copymode(F, F)", "os.chmod", "F"),
]


@pytest.mark.parametrize(("body", "op", "which"), MUTATIONS)
def test_mutation_blocked(probe, tree, body, op, which):
    names = {"F": str(tree["out"] / "f"), "G": str(tree["out"] / "g"),
             "D": str(tree["root"] / "sub")}
    setup = "import os, pathlib, shutil\n" + "".join(f"{k} = {v!r}\n" for k, v in names.items())
    out = probe(body, setup=setup, fs_readonly=True, trace=True)
    path = names[which]
    out.assert_blocked("filesystem", path, f"filesystem mutation disabled: {op}({path})")
    assert "PermissionError" in out.mro
    assert mutation_line(op, path) in out.trace
    assert (tree["out"] / "f").read_text() == "out data\n"
    assert not (tree["out"] / "g").exists()
    assert (tree["root"] / "sub").is_dir()


def test_shutil_move_falls_back_and_is_blocked(probe, tree):
    """shutil.move copies when rename fails with an OSError: the copy is refused too."""
    f, g = str(tree["out"] / "f"), str(tree["out"] / "g")
    out = probe(f"shutil.move({f!r}, {g!r})", setup="import shutil", fs_readonly=True,
                trace=True)
    out.assert_blocked("filesystem", g, f"filesystem readonly: {g}")
    assert out.trace == [mutation_line("os.rename", f), write_line(g)]
    assert (tree["out"] / "f").exists()


def test_rmtree_relative_names_with_dir_fd_blocked(probe, tree):
    """shutil.rmtree removes by a relative name plus dir_fd: still judged."""
    setup = f"import shutil\nD = {str(tree['out'])!r}"
    out = probe("shutil.rmtree(D)", setup=setup, fs_readonly=True, trace=True)
    out.assert_blocked("filesystem", "f", "filesystem mutation disabled: os.remove(f)")
    assert mutation_line("os.remove", "f") in out.trace
    assert (tree["out"] / "f").exists()


def test_mutation_through_descriptor_blocked(probe, tree):
    setup = f"import os\nfd = os.open({str(tree['out'] / 'f')!r}, os.O_RDONLY)"
    out = probe("os.fchmod(fd, 0o600)", setup=setup, fs_readonly=True)
    assert out.raised == "FilesystemViolation", out.describe()
    assert out.message.startswith("filesystem mutation disabled: os.chmod(")


def test_sqlite_read_only_uri_allowed(probe, tree):
    db = tree["root"] / "x.db"
    setup = f"""
import sqlite3
c = sqlite3.connect({str(db)!r}); c.execute('create table t (v)')
c.execute("insert into t values ('row')"); c.commit(); c.close()
"""
    body = f"""
c = sqlite3.connect('file:{db}?mode=ro', uri=True)
rows = c.execute('select v from t').fetchall()
mem = sqlite3.connect(':memory:').execute('select 1').fetchone()
return rows, mem
"""
    out = probe(body, setup=setup, fs_readonly=True, trace=True)
    out.assert_result(([("row",)], (1,)))
    assert out.trace == []


def test_sqlite_ro_uri_without_uri_flag_is_a_write(probe, tree):
    """Without uri=True the name is a file of that name, opened read-write."""
    name = f"file:{tree['root'] / 'x.db'}?mode=ro"
    out = probe(f"sqlite3.connect({name!r})", setup="import sqlite3", fs_readonly=True)
    out.assert_blocked("filesystem", name, f"filesystem readonly: {name}")


ORDINARY = [
    ("print('out'); print('err', file=sys.stderr); return 1", 1),
    ("r, w = os.pipe(); os.write(w, b'x'); return os.read(r, 1)", b"x"),
    ("open('/dev/null', 'w').write('x'); return 2", 2),
    ("return len(open('/dev/zero', 'rb').read(4))", 4),
    ("open('/dev/stderr', 'w').write(''); return 3", 3),
    ("import logging; logging.basicConfig(); logging.warning('w'); return 4", 4),
    ("return open(F).read()", "out data\n"),
    ("return sorted(os.listdir(os.path.dirname(F)))", ["f"]),
    ("import json, decimal, email.mime.text; return 5", 5),
]


@pytest.mark.parametrize(("body", "expected"), ORDINARY)
def test_ordinary_things_keep_working(probe, tree, body, expected):
    setup = f"import os, sys\nF = {str(tree['out'] / 'f')!r}"
    out = probe(body, setup=setup, fs_readonly=True, trace=True)
    out.assert_result(expected)
    assert out.trace == []


def test_imports_without_pyc(run_py, tmp_path):
    pkg = tmp_path / "lib"
    pkg.mkdir()
    (pkg / "fresh_mod.py").write_text("VALUE = 42\n")
    code = f"""
import sys
sys.path.insert(0, {str(pkg)!r})
from hermetic import hermetic_blocker
with hermetic_blocker(fs_readonly=True, trace=True):
    import fresh_mod
    print(fresh_mod.VALUE, sys.dont_write_bytecode)
"""
    proc = run_py(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["42", "True"]
    assert "[hermetic]" not in proc.stderr
    assert not (pkg / "__pycache__").exists()


def test_tempfile_under_allow_write(probe, tree):
    w = str(tree["w"])
    body = f"""
import tempfile, shutil
with tempfile.NamedTemporaryFile(dir={w!r}) as f:
    f.write(b'x')
d = tempfile.mkdtemp(dir={w!r})
open(d + '/a', 'w').write('y')
os.rename(d + '/a', d + '/b')
shutil.rmtree(d)
return tempfile.gettempdir()
"""
    out = probe(body, setup="import os", env={"TMPDIR": w}, fs_readonly=True,
                allow_write=[w], trace=True)
    out.assert_result(w)
    assert out.trace == []


def test_allow_write_does_not_widen_elsewhere(probe, tree):
    setup = SETUP.format(path=str(tree["out"] / "f"))
    out = probe("open(P, 'w')", setup=setup, fs_readonly=True, allow_write=[str(tree["w"])])
    out.assert_blocked("filesystem", str(tree["out"] / "f"),
                       f"filesystem readonly: {tree['out'] / 'f'}")


def test_symlink_out_of_allow_write_blocked(probe, tree):
    link = tree["w"] / "link"
    link.symlink_to(tree["out"] / "f")
    dangling = tree["w"] / "dangling"
    dangling.symlink_to(tree["out"] / "new")
    for target in (link, dangling):
        out = probe(f"open({str(target)!r}, 'w')", fs_readonly=True,
                    allow_write=[str(tree["w"])])
        out.assert_blocked("filesystem", str(target), f"filesystem readonly: {target}")
    assert not (tree["out"] / "new").exists()


# --- reads under ROOT -------------------------------------------------------


def rooted(tree, **extra):
    return {"fs_readonly": True, "fs_root": str(tree["root"]), "trace": True, **extra}


def test_reads_and_listings_under_root_work(probe, tree):
    root = tree["root"]
    body = f"""
a = open({str(root / 'f')!r}).read()
b = sorted(os.listdir({str(root)!r}))
c = sorted(e.name for e in os.scandir({str(root)!r}))
d = pathlib.Path({str(root / 'sub' / '..' / 'f')!r}).read_bytes()
e = open(os.fsencode({str(root / 'f')!r}), 'rb').read()
fd = os.open({str(root)!r}, os.O_RDONLY)
f = os.open('f', os.O_RDONLY, dir_fd=fd) > 0
return a, b, c, d, e, f
"""
    out = probe(body, setup="import os, pathlib", **rooted(tree))
    out.assert_result(("root data\n", ["f", "sub"], ["f", "sub"], b"root data\n",
                       b"root data\n", True))
    assert out.trace == []


READS_OUTSIDE = [
    ("open(P)", "P"),
    ("open(os.fsencode(P), 'rb')", "P"),
    ("io.open_code(P)", "P"),
    ("os.open(P, os.O_RDONLY)", "P"),
    ("pathlib.Path(P).read_text()", "P"),
    ("open(R + '/../out/f')", "R + '/../out/f'"),
    ("open(R + '/link')", "R + '/link'"),
    ("os.open('f', os.O_RDONLY, dir_fd=OFD)", "'f'"),
    ("open(os.__file__)", "os.__file__"),
]


@pytest.mark.parametrize(("body", "shown"), READS_OUTSIDE)
def test_read_outside_root_blocked(probe, tree, body, shown):
    (tree["root"] / "link").symlink_to(tree["out"] / "f")
    setup = f"""
import io, os, pathlib
P = {str(tree['out'] / 'f')!r}
R = {str(tree['root'])!r}
O = {str(tree['out'])!r}
OFD = os.open(O, os.O_RDONLY)
os.chdir(R)
"""
    out = probe(body, setup=setup, **rooted(tree))
    path = eval(shown, {"os": os, "P": str(tree["out"] / "f"), "R": str(tree["root"])})
    out.assert_blocked("filesystem", path, f"read outside sandbox root: {path}")
    assert "PermissionError" in out.mro
    assert out.trace == [read_line(path)]


@pytest.mark.parametrize("body", ["os.listdir(O)", "list(os.scandir(O))",
                                  "os.listdir(os.fsencode(O))", "list(pathlib.Path(O).iterdir())"])
def test_listing_outside_root_blocked(probe, tree, body):
    setup = f"import os, pathlib\nO = {str(tree['out'])!r}"
    out = probe(body, setup=setup, **rooted(tree))
    path = str(tree["out"])
    out.assert_blocked("filesystem", path, f"read outside sandbox root: {path}")
    assert out.trace == [read_line(path, "listdir")]


def test_imports_keep_working_under_root(probe, tree):
    body = "import decimal, http.client, email.mime.text, sqlite3; return 1"
    out = probe(body, **rooted(tree))
    out.assert_result(1)
    assert out.trace == []


def test_allow_write_is_readable_under_root(probe, tree):
    w = str(tree["w"])
    body = f"open({w!r} + '/n', 'w').write('x'); return open({w!r} + '/n').read()"
    out = probe(body, **rooted(tree, allow_write=[w]))
    out.assert_result("x")


def test_inner_policy_cannot_widen_root(run_py, tree):
    """fs_root and allow_write intersect across the stack."""
    code = f"""
from hermetic import hermetic_blocker
with hermetic_blocker(fs_readonly=True, fs_root={str(tree['root'])!r}):
    with hermetic_blocker(fs_readonly=True, fs_root={str(tree['out'])!r},
                          allow_write=[{str(tree['w'])!r}]):
        for p, m in (({str(tree['out'] / 'f')!r}, 'r'), ({str(tree['w'] / 'n')!r}, 'w')):
            try:
                open(p, m)
                print('allowed')
            except PermissionError as e:
                print(type(e).__name__)
"""
    proc = run_py(code)
    assert proc.stdout.split() == ["FilesystemViolation", "FilesystemViolation"], proc.stderr


def test_root_is_resolved_at_install(run_py, tree, tmp_path):
    link = tmp_path / "rootlink"
    link.symlink_to(tree["root"])
    code = f"""
import os
from hermetic import hermetic_blocker
b = hermetic_blocker(fs_readonly=True, fs_root={str(link)!r})
os.remove({str(link)!r}); os.symlink({str(tree['out'])!r}, {str(link)!r})
with b:
    print(open({str(tree['root'] / 'f')!r}).read().strip())
    try:
        open({str(link / 'f')!r})
    except PermissionError:
        print('blocked')
"""
    proc = run_py(code)
    assert proc.stdout.split() == ["root", "data", "blocked"], proc.stderr


def test_missing_root_is_a_value_error(run_py, tmp_path):
    code = f"""
from hermetic import hermetic_blocker
try:
    hermetic_blocker(fs_readonly=True, fs_root={str(tmp_path / 'nope')!r})
except ValueError as e:
    print(e)
"""
    proc = run_py(code)
    assert proc.stdout.startswith("fs_root: cannot resolve "), proc.stderr


def test_guard_does_nothing_when_off(probe, tree):
    body = f"open({str(tree['out'] / 'g')!r}, 'w').write('x'); return 1"
    out = probe(body, block_subprocess=True)
    out.assert_result(1)


@pytest.mark.skipif(sys.platform != "linux", reason="Linux only")
def test_profile_fs_readonly(probe, tree):
    path = str(tree["out"] / "f")
    out = probe(f"open({path!r}, 'w')", profile="fs-readonly")
    out.assert_blocked("filesystem", path, f"filesystem readonly: {path}")
