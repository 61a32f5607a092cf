"""--fs-readonly, --allow-write and --no-interpreter-mutation through the launcher."""

import pytest


@pytest.fixture
def tree(tmp_path):
    dirs = {}
    for name in ("root", "out", "w", "code"):
        d = tmp_path / name
        d.mkdir()
        (d / "f").write_text(f"{name} data\n")
        dirs[name] = d
    return dirs


def script(tree, body):
    """A script in code/ (on sys.path when it starts), importing a module beside it."""
    (tree["code"] / "helper.py").write_text("VALUE = 7\n")
    path = tree["code"] / "main.py"
    path.write_text("import helper\n" + body)
    return path


def last_line(proc):
    return proc.stderr.splitlines()[-1]


def test_write_blocked_exit_2(run_cli, tree):
    f = tree["out"] / "f"
    proc = run_cli("--fs-readonly", "--trace", "--", "python", "-c", f"open({str(f)!r}, 'w')")
    assert proc.returncode == 2, proc.stderr
    assert f"[hermetic] blocked open write path={f} reason=fs-readonly" in proc.stderr
    assert last_line(proc) == f"hermetic: blocked action: filesystem readonly: {f}"
    assert f.read_text() == "out data\n"


def test_mutation_blocked_exit_2(run_cli, tree):
    f = tree["out"] / "f"
    proc = run_cli("--profile", "fs-readonly", "--", "python", "-c", f"import os; os.remove({str(f)!r})")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == f"hermetic: blocked action: filesystem mutation disabled: os.remove({f})\n"
    assert f.exists()


def test_ordinary_program_runs_read_only(run_cli, tree):
    body = """
import sys, json, logging
logging.basicConfig(); logging.warning("to stderr")
print(helper.VALUE, json.dumps([1]))
"""
    main = script(tree, body)
    proc = run_cli("--fs-readonly", "--trace", "--", "python", str(main))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["7", "[1]"]
    assert "[hermetic]" not in proc.stderr
    assert not (tree["code"] / "__pycache__").exists()


def test_child_process_output_through_pipes(run_cli):
    code = """
import subprocess, sys
out = subprocess.run([sys.executable, "-c", "print('child')"], capture_output=True, text=True)
print(out.stdout.strip())
"""
    proc = run_cli("--fs-readonly", "--trace", "--", "python", "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["child"]
    assert "[hermetic]" not in proc.stderr


def test_root_reads_and_imports(run_cli, tree):
    root = tree["root"]
    body = f"""
import os, decimal, email.mime.text
print(open({str(root / 'f')!r}).read().strip(), sorted(os.listdir({str(root)!r})))
try:
    open({str(tree['out'] / 'f')!r})
except PermissionError as e:
    print(type(e).__name__, e.target == {str(tree['out'] / 'f')!r})
try:
    open(os.__file__)
except PermissionError as e:
    print("stdlib-open-blocked")
"""
    main = script(tree, body)
    proc = run_cli(f"--fs-readonly={root}", "--trace", "--", "python", str(main))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["root", "data", "['f']", "FilesystemViolation", "True",
                                   "stdlib-open-blocked"]
    assert f"[hermetic] blocked open read-outside-root path={tree['out'] / 'f'} reason=fs-readonly" in proc.stderr


def test_allow_write_and_tempfile(run_cli, tree):
    w = tree["w"]
    code = f"""
import tempfile, os
fd, name = tempfile.mkstemp()
os.write(fd, b"x"); os.close(fd); os.remove(name)
open({str(w / 'n')!r}, 'w').write('y')
print(tempfile.gettempdir())
"""
    proc = run_cli(f"--fs-readonly={tree['root']}", "--allow-write", str(w), "--trace", "--",
                   "python", "-c", code, env={"TMPDIR": str(w)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(w)
    assert (w / "n").read_text() == "y"
    assert "[hermetic]" not in proc.stderr


def test_allow_write_alone_implies_readonly(run_cli, tree):
    f = tree["out"] / "f"
    proc = run_cli("--allow-write", str(tree["w"]), "--", "python", "-c", f"open({str(f)!r}, 'a')")
    assert proc.returncode == 2
    assert last_line(proc) == f"hermetic: blocked action: filesystem readonly: {f}"


def test_missing_root_is_an_error(run_cli, tree):
    path = tree["w"] / "ran"
    target = ["python", "-c", f"open({str(path)!r}, 'w').close()"]
    proc = run_cli(f"--fs-readonly={tree['root']}/nope", "--", *target)
    assert proc.returncode == 1
    assert proc.stderr.startswith("hermetic: --fs-readonly: cannot resolve ")
    assert "hint: " in proc.stderr
    assert not path.exists()


def test_interpreter_mutation(run_cli, tree):
    code = """
import sys, os
print(sys.path[0] == '')
try:
    sys.path.append('/x'); import csv
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    os.chdir('/')
except RuntimeError as e:
    print(e)
import json
print('done')
"""
    proc = run_cli("--no-interpreter-mutation", "--trace", "--", "python", "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "True",
        "InterpreterViolation interpreter mutation disabled: sys.path",
        "interpreter mutation disabled: os.chdir",
        "done",
    ]
    assert ("[hermetic] blocked interpreter mutation name=sys.path "
            "reason=no-interpreter-mutation") in proc.stderr
    assert "[hermetic] blocked os.chdir path=/ reason=no-interpreter-mutation" in proc.stderr


def test_interpreter_mutation_script_and_module_start(run_cli, tree):
    """sys.path[0] set for the script or -m is the baseline, not a change."""
    main = script(tree, "import json\nprint(helper.VALUE)\n")
    proc = run_cli("--no-interpreter-mutation", "--", "python", str(main))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "7"
    proc = run_cli("--no-interpreter-mutation", "--", "python", "-m", "json.tool",
                   input="[1]")
    assert proc.returncode == 0, proc.stderr


def test_interpreter_mutation_uncaught_exit_2(run_cli):
    proc = run_cli("--no-interpreter-mutation", "--", "python", "-c", "import os; os.chdir('/')")
    assert proc.returncode == 2
    assert proc.stderr == "hermetic: blocked action: interpreter mutation disabled: os.chdir\n"
