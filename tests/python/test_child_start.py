"""What a guarded process checks before it starts a child (SPEC 7,
"Inheritance"): the child must be able to load the guard, or it does not
start."""

import importlib.util
import os
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

PKG = Path(importlib.util.find_spec("hermetic").origin).parent
SHIM = "_hermetic_shim.so"

# The parent imports hermetic from a copy of the package (its directory
# first on sys.path: PYTHONPATH would split a name with a colon) and
# starts a child under a blocker; BEFORE runs inside the blocker first.
SPAWN = """
import os, subprocess, sys
sys.path.insert(0, {parent!r})
import hermetic
from hermetic import hermetic_blocker
print("FROM", os.path.dirname(hermetic.__file__))
with hermetic_blocker(block_network=True):
    {before}
    try:
        subprocess.run([sys.executable, "-c", "print('CHILD RAN')"], check=True)
    except RuntimeError as exc:
        print("REFUSED", exc)
"""


def copy_package(parent):
    """A copy of the installed package in parent/hermetic."""
    parent.mkdir(parents=True)
    shutil.copytree(PKG, parent / "hermetic", ignore=shutil.ignore_patterns("__pycache__"))
    return parent / "hermetic"


def spawn_from(run_py, pkg, before="pass"):
    proc = run_py(SPAWN.format(parent=str(pkg.parent), before=before))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == f"FROM {pkg}", proc.stdout
    return proc.stdout


def test_a_copy_of_the_package_starts_guarded_children(run_py, tmp_path):
    """The control for the tests below: the copy itself works."""
    out = spawn_from(run_py, copy_package(tmp_path / "plain"))
    assert "CHILD RAN" in out and "REFUSED" not in out


@pytest.mark.parametrize("name", ["my projects", "c:d"])
def test_a_shim_path_ld_so_would_split_refuses_the_child(run_py, tmp_path, name):
    """ld.so splits LD_PRELOAD on spaces and colons: the child would run
    unguarded, so it is not started."""
    pkg = copy_package(tmp_path / name)
    out = spawn_from(run_py, pkg)
    assert "CHILD RAN" not in out
    assert (
        "REFUSED hermetic cannot guard a child process: LD_PRELOAD cannot hold "
        f"a path with a space, ':' or '$': {pkg / SHIM} (install hermetic where the "
        "path has none of them)"
    ) in out


@pytest.mark.parametrize(
    "change",
    [
        "os.rename(SHIM, SHIM + '.off')",
        "os.rename(SHIM, SHIM + '.off'); os.rename(SHIM + '.off', SHIM)",
        "open(SHIM, 'r+b').truncate(64)",
        "import shutil; shutil.copy(SHIM, SHIM + '.new'); os.replace(SHIM + '.new', SHIM)",
    ],
    ids=["removed", "moved-back", "truncated", "replaced"],
)
def test_a_shim_changed_since_start_refuses_the_child(run_py, tmp_path, change):
    """A child whose preload entry is missing or another file would run
    unguarded: guarded code that can write to the install cannot do that."""
    pkg = copy_package(tmp_path / "pkg")
    before = f"SHIM = {str(pkg / SHIM)!r}; {change}"
    out = spawn_from(run_py, pkg, before=before)
    assert "CHILD RAN" not in out
    assert (
        "REFUSED hermetic cannot guard a child process: the preload shim "
        f"changed since this process started, or these ids cannot read it: {pkg / SHIM}"
    ) in out


def test_a_set_group_id_child_runs_guarded(probe, setgid_python):
    """no_new_privs: the child gains no group, so ld.so loads the guard."""
    path, child = setgid_python
    body = f"return subprocess.run([{str(path)!r}, '-c', {child!r}], capture_output=True, text=True).stdout"
    out = probe(body, setup="import subprocess", block_network=True)
    assert out.raised is None, out.describe()
    assert "PRIVILEGED False" in out.result, out.describe()
    assert "BLOCKED NetworkViolation" in out.result, out.describe()


def needs_root():
    if os.geteuid() != 0:
        pytest.skip("needs root to change ids")


@pytest.mark.parametrize(
    "start",
    [
        "os.setegid(1); os.execv(sys.executable, [sys.executable, '-c', 'print(\"CHILD RAN\")'])",
        "subprocess.run([sys.executable, '-c', 'print(\"CHILD RAN\")'], preexec_fn=lambda: os.setegid(1))",
    ],
    ids=["execv", "preexec_fn"],
)
def test_a_child_with_effective_ids_not_its_real_ones_is_refused(probe, start):
    """ld.so runs such a child in secure mode and ignores LD_PRELOAD."""
    needs_root()
    out = probe(f"{start}\nreturn 'returned'", setup="import os, subprocess, sys", block_network=True)
    assert "CHILD RAN" not in out.proc.stdout, out.describe()
    assert out.raised is not None, out.describe()
    assert "cannot guard a child process: its effective user or group is not its real one" in (
        out.proc.stderr + str(out.message)
    ), out.describe()


def test_a_child_whose_user_cannot_read_the_shim_is_refused(run_py, open_dir):
    """user= drops to ids that cannot open the shim: ld.so would skip it."""
    needs_root()
    base = open_dir
    pkg = copy_package(base / "locked")
    start = "subprocess.run(['/bin/echo', 'CHILD RAN'], user=65534, group=65534, extra_groups=[])"
    (base / "locked").chmod(0o755)
    assert "CHILD RAN" in spawn_from(run_py, pkg, before=start)  # the control
    (base / "locked").chmod(0o700)
    proc = run_py(SPAWN.format(parent=str(pkg.parent), before=start))
    assert "CHILD RAN" not in proc.stdout
    assert "SubprocessError" in proc.stderr, proc.stderr
    assert (
        "hermetic: cannot guard a child process: the preload shim changed since this "
        f"process started, or these ids cannot read it: {pkg / SHIM}"
    ) in proc.stderr


AUDIT_CHILD = "import os; print('LD_AUDIT', os.environ.get('LD_AUDIT'))"


@pytest.mark.parametrize(
    "start",
    [
        "subprocess.run([sys.executable, '-c', CHILD], env={**os.environ, 'LD_AUDIT': AUDIT})",
        "os.environ['LD_AUDIT'] = AUDIT; subprocess.run([sys.executable, '-c', CHILD])",
        "os.environ['LD_AUDIT'] = AUDIT; os.system(f'{sys.executable} -c \"{CHILD}\"')",
    ],
    ids=["env", "environ", "system"],
)
def test_a_child_gets_no_audit_library(run_py, tmp_path, start):
    """An LD_AUDIT library can refuse ld.so the shim: children never get one."""
    code = f"""
import os, subprocess, sys
from hermetic import hermetic_blocker
CHILD = {AUDIT_CHILD!r}
AUDIT = {str(tmp_path / 'audit.so')!r}
with hermetic_blocker(block_network=True):
    {start}
"""
    proc = run_py(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["LD_AUDIT None"], proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "start",
    [
        "subprocess.run([EXE, '-c', 'print(\"CHILD RAN\")'], user=65534, group=65534)",
        """pid = os.fork()
if pid == 0:
    os.setresgid(65534, 65534, 65534); os.setresuid(65534, 65534, 65534)
    try:
        os.execv(EXE, [EXE, '-c', 'print("CHILD RAN")'])
    except RuntimeError as exc:
        print('CHILD REFUSED', exc, flush=True)
    os._exit(3)
os.waitpid(pid, 0)""",
    ],
    ids=["user", "fork-setuid-execv"],
)
def test_a_child_with_file_capabilities_run_by_another_user_is_refused(run_py, fcap_python, start):
    code = f"""
import os, subprocess, sys
from hermetic import hermetic_blocker
EXE = {str(fcap_python)!r}
with hermetic_blocker(block_network=True):
{textwrap.indent(start, '    ')}
"""
    proc = run_py(code)
    assert "CHILD RAN" not in proc.stdout, proc.stdout
    why = f"cannot guard a child process: {fcap_python} has file capabilities, and exec runs it in secure mode"
    assert why in proc.stdout + proc.stderr, proc.stdout + proc.stderr
