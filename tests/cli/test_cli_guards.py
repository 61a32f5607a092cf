"""The environment, import and native guards through the launcher (SPEC 3, 5, 7)."""

import shutil
import sysconfig
from pathlib import Path

import pytest

SECRET = {"HM_TEST_SECRET": "s3cr3t"}


def env_line(kind, name):
    return f"[hermetic] blocked environment {kind} name={name} reason=no-environment"


def import_line(name, reason):
    return f"[hermetic] blocked import name={name} reason={reason}"


@pytest.fixture
def foreign_ext(tmp_path):
    """A copy of a stdlib extension module outside lib-dynload: a third-party one."""
    import _csv

    src = Path(_csv.__file__)
    shutil.copy(src, tmp_path / src.name)
    return tmp_path


CLI_CODE = """
import os, posix
def attempt(name, fn):
    try:
        print(name, fn())
    except Exception as exc:
        print(name, type(exc).__name__, getattr(exc, 'guard', None), exc)
attempt('get', lambda: os.environ.get('HM_TEST_SECRET'))
attempt('item', lambda: os.environ['HM_TEST_SECRET'])
attempt('posix', lambda: b'HM_TEST_SECRET' in posix.environ)
attempt('proc', lambda: b'HM_TEST_SECRET' in open('/proc/self/environ', 'rb').read())
attempt('write', lambda: os.environ.__setitem__('HOME', 'x'))
attempt('allowed', lambda: os.environ.get('HM_ALLOWED'))
attempt('home', lambda: os.environ['HOME'] != '')
"""


@pytest.mark.parametrize("flag", ["--no-environment", "--no-env"])
def test_cli_hides_variables_from_the_real_environment(run_cli, flag):
    proc = run_cli(
        flag, "--allow-env", "HM_ALLOWED", "--trace", "--", "python", "-c", CLI_CODE,
        env={**SECRET, "HM_ALLOWED": "yes"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "get None",
        "item EnvironmentViolation environment environment disabled: HM_TEST_SECRET",
        "posix False",
        "proc False",
        "write EnvironmentViolation environment environment mutation disabled: HOME",
        "allowed yes",
        "home True",
    ]
    assert env_line("read", "HM_TEST_SECRET") in proc.stderr
    assert env_line("mutation", "HOME") in proc.stderr


def test_cli_children_never_see_hidden_variables(run_cli):
    code = "import subprocess; print(subprocess.run(['env'], capture_output=True, text=True).stdout)"
    proc = run_cli("--no-env", "--", "python", "-c", code, env=SECRET)
    assert proc.returncode == 0, proc.stderr
    assert "HM_TEST_SECRET" not in proc.stdout
    assert "HERMETIC_FLAGS_JSON=" in proc.stdout and "LD_PRELOAD=" in proc.stdout


def test_cli_uncaught_read_exits_2(run_cli):
    proc = run_cli("--no-env", "--", "python", "-c", "import os; os.environ['HM_TEST_SECRET']", env=SECRET)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "hermetic: blocked action: environment disabled: HM_TEST_SECRET"
    )


def test_cli_deny_import(run_cli):
    code = """
import importlib
for how in ('import json', "importlib.import_module('json')"):
    try:
        exec(how)
    except ImportError as exc:
        print(type(exc).__name__, exc.guard, exc.target, exc)
import csv
print('csv ok')
"""
    proc = run_cli("--deny-import", "json", "--trace", "--", "python", "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "ImportViolation imports json import blocked: json",
        "ImportViolation imports json import blocked: json",
        "csv ok",
    ]
    assert proc.stderr.count(import_line("json", "deny-import")) == 2


def test_cli_deny_import_uncaught_exits_2(run_cli):
    proc = run_cli("--deny-import", "json", "--", "python", "-c", "import json")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == "hermetic: blocked action: import blocked: json"


@pytest.mark.parametrize("flags", [["--block-native"], ["--profile", "block-native"]])
def test_cli_block_native(run_cli, foreign_ext, flags):
    code = f"""
import sys, datetime, decimal, json, sqlite3, hashlib
sys.path.insert(0, {str(foreign_ext)!r})
for name in ('ctypes', '_csv'):
    try:
        __import__(name)
    except ImportError as exc:
        print(type(exc).__name__, exc.guard, exc.target, exc)
"""
    proc = run_cli(*flags, "--trace", "--", "python", "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "NativeViolation native ctypes native import blocked: ctypes",
        "NativeViolation native _csv native import blocked: _csv",
    ]
    assert import_line("ctypes", "block-native") in proc.stderr


def test_cli_static_system_python(run_cli):
    """Debian's statically linked interpreter: its lib-dynload is found too."""
    python = Path("/usr/bin/python3.11")
    if not python.exists() or sysconfig.get_python_version() != "3.11":
        pytest.skip("no /usr/bin/python3.11 of our X.Y")
    code = "import datetime, decimal, json, sqlite3, hashlib; print('ok')"
    proc = run_cli("--block-native", "--", str(python), "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_help_lists_the_readable_environment(run_cli):
    proc = run_cli("--help")
    assert proc.returncode == 0
    for flag in ("--no-environment", "--no-env", "--allow-env", "--deny-import", "--block-native"):
        assert flag in proc.stdout
    for name in ("PATH", "HOME", "LC_*", "PYTHON*", "_PYTHON_*", "SSL_CERT_DIR", "NO_COLOR"):
        assert name in proc.stdout


def test_cli_block_native_keeps_hermetic_importable(run_cli, tmp_path):
    """hermetic's own core is the file already loaded; a copy of it is not."""
    import hermetic._core

    core = Path(hermetic._core.__file__)
    shutil.copy(core, tmp_path / core.name)
    code = f"""
import sys, hermetic, hermetic._core, hermetic.pytest_plugin
print("ok")
sys.path.insert(0, {str(tmp_path)!r})
try:
    import _core
except ImportError as exc:
    print(type(exc).__name__, exc)
"""
    proc = run_cli("--block-native", "--", "python", "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "ok",
        "NativeViolation native import blocked: _core",
    ]


def test_cli_block_native_runs_pytest_with_the_plugin(run_cli, tmp_path):
    (tmp_path / "test_x.py").write_text("def test_x():\n    import json\n")
    proc = run_cli(
        "--block-native", "--", "python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
        "test_x.py", cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout


def test_cli_no_env_runs_pytest_with_its_variables_allowed(run_cli, tmp_path):
    (tmp_path / "test_x.py").write_text(
        "import os\n\ndef test_x(tmp_path):\n"
        "    assert os.environ['PYTEST_CURRENT_TEST'].endswith('(call)')\n"
    )
    proc = run_cli(
        "--no-env", "--allow-env", "PYTEST_CURRENT_TEST", "--allow-env", "PYTEST_VERSION",
        "--", "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_x.py", cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout
