"""What the launcher can run, and guards being there before any target code (SPEC 7)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

NET = "import socket; socket.getaddrinfo('example.com', 80)"
FINAL = "hermetic: blocked action: network disabled: DNS(example.com)\n"
NOT_PYTHON_NOTE = (
    "hermetic: note: {} is not a Python program; "
    "the policy applies to the Python processes it starts"
)
# Start-up code that would succeed without a guard and needs no server.
BIND = "import socket; socket.socket().bind(('0.0.0.0', 0))"


def assert_blocked_at_top(proc):
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == FINAL


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "script.py"
    path.write_text(f"print('script ran')\n{NET}\n")
    return path


@pytest.fixture(scope="session")
def other_venv(tmp_path_factory):
    """A second venv of this Python, without hermetic installed in it."""
    root = tmp_path_factory.mktemp("other") / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120
    )
    return root


def site_packages(venv):
    return next((venv / "lib").glob("python3*/site-packages"))


def test_python_script(run_cli, script):
    proc = run_cli("--no-network", "--", "python", script)
    assert proc.stdout == "script ran\n"
    assert_blocked_at_top(proc)


def test_interpreter_by_path(run_cli, script):
    proc = run_cli("--no-network", "--", sys.executable, script)
    assert_blocked_at_top(proc)


def test_versioned_interpreter_name(run_cli, script):
    name = f"python{sys.version_info.major}.{sys.version_info.minor}"
    proc = run_cli("--no-network", "--", name, script)
    assert_blocked_at_top(proc)


def test_script_with_shebang(run_cli, tmp_path):
    tool = tmp_path / "tool"
    tool.write_text(f"#!{sys.executable}\nprint('tool ran')\n{NET}\n")
    tool.chmod(0o755)
    proc = run_cli("--no-network", "--", tool)
    assert proc.stdout == "tool ran\n"
    assert_blocked_at_top(proc)


def test_script_with_env_shebang_on_path(run_cli, tmp_path):
    tool = tmp_path / "envtool"
    tool.write_text(f"#!/usr/bin/env python3\n{NET}\n")
    tool.chmod(0o755)
    proc = run_cli(
        "--no-network",
        "--",
        "envtool",
        env={"PATH": f"{tmp_path}:{Path(sys.executable).parent}:/usr/bin:/bin"},
    )
    assert_blocked_at_top(proc)


def test_py_file_not_executable(run_cli, script):
    script.chmod(0o644)
    proc = run_cli("--no-network", "--", script, "arg")
    assert proc.stdout == "script ran\n"
    assert_blocked_at_top(proc)


def test_py_file_gets_its_arguments(run_cli, tmp_path):
    script = tmp_path / "args.py"
    script.write_text("import sys; print(sys.argv)\n")
    proc = run_cli("--no-network", "--", script, "a", "--b")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{[str(script), 'a', '--b']}\n"


@pytest.fixture
def module_dir(tmp_path):
    (tmp_path / "hmtarget.py").write_text(
        "import socket, sys\n"
        "def three():\n    return 3\n"
        "def nothing():\n    print('nothing ran')\n"
        "def argv():\n    print(sys.argv[1:])\n"
        f"def lookup():\n    {NET}\n"
        f"if __name__ == '__main__':\n    print('main ran', sys.argv[1:])\n    {NET}\n"
    )
    return tmp_path


@pytest.mark.parametrize(
    ("attr", "status", "stdout"),
    [("three", 3, ""), ("nothing", 0, "nothing ran\n"), ("argv", 0, "['x', 'y']\n")],
)
def test_module_attr(run_cli, module_dir, attr, status, stdout):
    env = {"PYTHONPATH": str(module_dir)}
    proc = run_cli("--no-network", "--", f"hmtarget:{attr}", "x", "y", env=env, cwd=module_dir)
    assert proc.returncode == status, proc.stderr
    assert proc.stdout == stdout


def test_module_attr_blocked(run_cli, module_dir):
    env = {"PYTHONPATH": str(module_dir)}
    proc = run_cli("--no-network", "--", "hmtarget:lookup", env=env, cwd=module_dir)
    assert_blocked_at_top(proc)


def test_bare_module_name(run_cli, tmp_path):
    data = tmp_path / "data.json"
    data.write_text('{"b": 1, "a": [1, 2]}')
    proc = run_cli("--no-network", "--", "json.tool", "--sort-keys", data)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["{", '"a":', "[", "1,", "2", "],", '"b":', "1", "}"]


def test_bare_module_name_blocked(run_cli, module_dir):
    env = {"PYTHONPATH": str(module_dir)}
    proc = run_cli("--no-network", "--", "hmtarget", "x", env=env, cwd=module_dir)
    assert proc.stdout == "main ran ['x']\n"
    assert_blocked_at_top(proc)


def test_python_dash_m(run_cli, module_dir):
    proc = run_cli("--no-network", "--", "python", "-m", "hmtarget", cwd=module_dir)
    assert proc.stdout == "main ran []\n"
    assert_blocked_at_top(proc)


@pytest.mark.parametrize("flags", [["-I"], ["-E"], ["-S"], ["-I", "-S"], ["-s"], ["-B", "-u"]])
def test_interpreter_flags(run_cli, flags):
    proc = run_cli("--no-network", "--", "python", *flags, "-c", NET)
    assert_blocked_at_top(proc)


def test_pth_file_in_a_venv_is_guarded(run_cli, other_venv, tmp_path):
    """A .pth line runs during start-up: the guard must already be there."""
    pth = site_packages(other_venv) / "zz_hermetic_test.pth"
    pth.write_text(f"{BIND}; print('PTH-NET-OK', flush=True)\n")
    try:
        proc = run_cli("--no-network", "--", other_venv / "bin" / "python", "-c", "print('MAIN')")
    finally:
        pth.unlink()
    assert "PTH-NET-OK" not in proc.stdout
    assert "network disabled: bind(0.0.0.0)" in proc.stderr
    assert proc.returncode in (0, 2), proc.stderr


SITECUSTOMIZE = f"""
print("SC-RAN", flush=True)
try:
    {BIND}
    print("SC-NET-OK")
except Exception as exc:
    print("SC-BLOCKED", type(exc).__name__, exc, flush=True)
"""


@pytest.mark.parametrize("python", ["this", "other-venv"])
def test_sitecustomize_runs_after_the_guards(run_cli, other_venv, tmp_path, python):
    (tmp_path / "sitecustomize.py").write_text(SITECUSTOMIZE)
    exe = sys.executable if python == "this" else other_venv / "bin" / "python"
    env = {"PYTHONPATH": str(tmp_path)}
    proc = run_cli("--no-network", "--", exe, "-c", "print('MAIN')", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "SC-RAN",
        "SC-BLOCKED NetworkViolation network disabled: bind(0.0.0.0)",
        "MAIN",
    ]


def test_pythonpath_module_imported_at_start_up(run_cli, tmp_path):
    """A module imported during start-up through PYTHONWARNINGS is guarded too."""
    (tmp_path / "hmwarn.py").write_text(
        f"import warnings\nclass Boom(Warning): pass\n{BIND}\nprint('WARN-NET-OK', flush=True)\n"
    )
    env = {"PYTHONPATH": str(tmp_path), "PYTHONWARNINGS": "ignore::hmwarn.Boom"}
    proc = run_cli("--no-network", "--", "python", "-c", "print('MAIN')", env=env)
    assert "WARN-NET-OK" not in proc.stdout
    assert proc.returncode != 0 or "network disabled" in proc.stderr, proc.stderr


def test_console_script_in_another_venv(run_cli, other_venv):
    tool = other_venv / "bin" / "hm-tool"
    tool.write_text(f"#!{other_venv / 'bin' / 'python'}\nimport sys\n{NET}\n")
    tool.chmod(0o755)
    path = f"{other_venv / 'bin'}:/usr/bin:/bin"
    assert_blocked_at_top(run_cli("--no-network", "--", tool))
    assert_blocked_at_top(run_cli("--no-network", "--", "hm-tool", env={"PATH": path}))


def other_minor_pythons():
    mine = f"{sys.version_info.major}.{sys.version_info.minor}"
    found = {}
    for exe in sorted(Path("/root/.pyenv/versions").glob("3.*/bin/python3.*")):
        match = re.fullmatch(r"python(3\.\d+)", exe.name)
        if match and match[1] != mine and match[1] in {"3.9", "3.10", "3.11", "3.12", "3.13"}:
            found.setdefault(match[1], exe)
    return sorted(found.values())


@pytest.mark.parametrize("python", other_minor_pythons() or [None])
def test_python_of_another_version_is_refused(run_cli, tmp_path, python):
    if python is None:
        pytest.skip("no Python of another X.Y under /root/.pyenv/versions")
    marker = tmp_path / "ran"
    proc = run_cli("--no-network", "--", python, "-c", f"open({str(marker)!r}, 'w')")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("hermetic: "), proc.stderr
    assert any(line.startswith(("hint:", "hermetic: hint:")) for line in lines), proc.stderr
    assert not marker.exists()


OLD_PYTHON = next(iter(sorted(Path("/root/.pyenv/versions").glob("3.8*/bin/python3.8"))), None)


@pytest.mark.skipif(OLD_PYTHON is None, reason="no Python 3.8 under /root/.pyenv/versions")
def test_python_older_than_supported_is_refused_with_a_hint_that_works(run_cli, tmp_path):
    """hermetic does not install into 3.8: the hint says what to run instead."""
    marker = tmp_path / "ran"
    proc = run_cli("--no-network", "--", OLD_PYTHON, "-c", f"open({str(marker)!r}, 'w')")
    assert proc.returncode == 1, proc.stderr
    mine = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert proc.stderr.splitlines() == [
        f"hermetic: cannot guard Python 3.8: this hermetic is built for Python {mine}",
        "hint: hermetic supports Python 3.9 and later: run the target with one of those",
    ]
    assert not marker.exists()


def test_non_python_target(run_cli):
    proc = run_cli("--no-network", "--", "/bin/echo", "hi")
    assert proc.returncode == 0
    assert proc.stdout == "hi\n"
    assert proc.stderr == NOT_PYTHON_NOTE.format("/bin/echo") + "\n"


def test_non_python_target_by_name(run_cli):
    proc = run_cli("--no-network", "--", "echo", "hi")
    assert proc.stdout == "hi\n"
    assert proc.stderr == NOT_PYTHON_NOTE.format("echo") + "\n"


def test_python_started_by_a_non_python_target(run_cli):
    proc = run_cli("--no-network", "--", "/bin/sh", "-c", f'python -c "{NET}"')
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [NOT_PYTHON_NOTE.format("/bin/sh"), FINAL.strip()]


def test_a_set_group_id_target_runs_guarded(run_cli, setgid_python):
    """The launcher sets no_new_privs: the target gains no group, so ld.so
    does not run it in secure mode and loads the guard."""
    path, child = setgid_python
    proc = run_cli("--no-network", "--", path, "-c", child)
    assert "PRIVILEGED False" in proc.stdout, proc.stdout + proc.stderr
    assert "BLOCKED NetworkViolation" in proc.stdout, proc.stdout + proc.stderr


def test_a_set_group_id_grandchild_runs_guarded(run_cli, setgid_python):
    path, child = setgid_python
    code = f"import subprocess; subprocess.run([{str(path)!r}, '-c', {child!r}])"
    proc = run_cli("--no-network", "--", "python", "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert "PRIVILEGED False" in proc.stdout, proc.stdout + proc.stderr
    assert "BLOCKED NetworkViolation" in proc.stdout, proc.stdout + proc.stderr
