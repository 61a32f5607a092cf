"""The dynamic code guard through the launcher (`--no-code-exec`)."""

import sys

import pytest


def trace_lines(text):
    return [line for line in text.splitlines() if line.startswith("[hermetic]")]


BLOCKED = [
    ("eval", "eval('1')"),
    ("exec", "exec('x = 1')"),
    ("compile", "compile('x = 1', 'f', 'exec')"),
    ("runpy.run_path", "import runpy, json; runpy.run_path(json.__file__)"),
    ("runpy.run_module", "import runpy; runpy.run_module('json.tool', run_name='x')"),
    ("marshal.loads", "import marshal; marshal.loads(marshal.dumps(1))"),
    ("code", "(lambda: 0).__code__.replace(co_name='x')"),
]


@pytest.mark.parametrize("what,code", BLOCKED, ids=[b[0] for b in BLOCKED])
def test_blocked(run_cli, what, code):
    proc = run_cli("--no-code-exec", "--trace", "--", "python", "-c", code)
    message = f"dynamic code execution disabled: {what}"
    assert proc.returncode == 2, proc.stderr
    assert f"[hermetic] blocked {what} reason=no-code-exec" in trace_lines(proc.stderr)
    assert proc.stderr.splitlines()[-1] == f"hermetic: blocked action: {message}"
    assert "CodeExecViolation" in proc.stderr


def test_violation_class_and_attributes(run_cli):
    code = (
        "try:\n    eval('1')\nexcept Exception as e:\n"
        "    print(type(e).__name__, e.guard, e.target, e)"
    )
    proc = run_cli("--no-code-exec", "--", "python", "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "CodeExecViolation code_exec eval " + (
        "dynamic code execution disabled: eval"
    )


def test_main_program_runs(run_cli, tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(
        "import collections, dataclasses, typing, enum, json, argparse, logging\n"
        "P = collections.namedtuple('P', 'x')\n"
        "@dataclasses.dataclass\nclass D:\n    x: int = 1\n"
        "class N(typing.NamedTuple):\n    y: int\n"
        "print(P(1).x, D().x, N(2).y, json.dumps([1]))\n"
    )
    proc = run_cli("--no-code-exec", "--trace", "--", "python", str(script))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1 1 2 [1]"
    assert not trace_lines(proc.stderr)


def test_dash_c_runs(run_cli):
    proc = run_cli("--no-code-exec", "--", "python", "-c", "print(6 * 7)")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "42"


def test_stdin_program_runs(run_cli):
    proc = run_cli("--no-code-exec", "--", "python", "-", input="print('from stdin')\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "from stdin"


@pytest.mark.parametrize(
    "argv",
    [["python", "-m", "json.tool"], ["json.tool"]],
    ids=["python -m", "module target"],
)
def test_module_targets_run(run_cli, argv):
    proc = run_cli("--no-code-exec", "--trace", "--", *argv, input='{"a": 1}')
    assert proc.returncode == 0, proc.stderr
    assert '"a": 1' in proc.stdout
    assert not trace_lines(proc.stderr)


def test_module_attr_target_runs(run_cli, tmp_path):
    (tmp_path / "tool.py").write_text(
        "import collections\ndef main():\n    print(collections.namedtuple('P', 'x')(5).x)\n"
    )
    proc = run_cli(
        "--no-code-exec", "--", "tool:main", env={"PYTHONPATH": str(tmp_path)}
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "5"


def test_ordinary_error_keeps_its_traceback(run_cli):
    proc = run_cli("--no-code-exec", "--", "python", "-c", "1 / 0")
    assert proc.returncode == 1, proc.stderr
    assert "ZeroDivisionError" in proc.stderr


@pytest.mark.parametrize(
    "argv",
    [["python", "-i", "-c", "print('main')"], ["python", "-i"]],
    ids=["-i after -c", "-i"],
)
def test_interactive_prompt_is_blocked(run_cli, argv):
    proc = run_cli("--no-code-exec", "--trace", "--", *argv, input="print('typed')\n")
    assert proc.returncode == 2, proc.stderr
    assert "typed" not in proc.stdout
    assert "[hermetic] blocked interactive reason=no-code-exec" in trace_lines(proc.stderr)
    assert proc.stderr.splitlines()[-1] == (
        "hermetic: blocked action: dynamic code execution disabled: interactive"
    )


@pytest.mark.skipif(
    sys.version_info < (3, 11),
    reason="pytest imports the exceptiongroup backport, whose singledispatch "
    "registration evaluates string annotations (eval): refused (README)",
)
def test_pytest_assertion_rewriting(run_cli, tmp_path):
    test = tmp_path / "test_tiny.py"
    test.write_text(
        "import collections\n\n"
        "def test_ok():\n    assert collections.namedtuple('P', 'x')(1).x == 1\n\n"
        "def test_rewritten():\n    x = 2\n    assert x == 3\n"
    )
    proc = run_cli(
        "--no-code-exec", "--trace", "--", "python", "-m", "pytest", "-q",
        "-p", "no:cacheprovider", "-p", "no:hermetic", str(test), cwd=tmp_path,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 failed, 1 passed" in proc.stdout
    # The rewritten assertion explains the values: rewriting ran.
    assert "assert 2 == 3" in proc.stdout
    assert not trace_lines(proc.stderr), proc.stderr


def test_block_all_runs_an_ordinary_program(run_cli):
    """block-all includes --no-code-exec and still lets a program start and print."""
    proc = run_cli("--profile", "block-all", "--", "python", "-c", "print(sum(range(10)))")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "45"
