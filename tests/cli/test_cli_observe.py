"""hermetic --observe, --trace-file and --trace-format through the launcher."""

import json
import shlex
import shutil
import sys
import textwrap

import pytest


def trace_lines(text):
    return [line for line in text.splitlines() if line.startswith("[hermetic]")]


PROGRAM = """\
import os
import socket
import subprocess
import sys


def lookup(host):
    try:
        socket.getaddrinfo(host, 443)
    except OSError:
        pass


def connect(host, port):
    try:
        socket.create_connection((host, port), timeout=0.2).close()
    except OSError:
        pass


lookup("api.example.com")
lookup("cdn.example.net")
lookup("api.example.com")
connect("127.0.0.1", 9)
connect("192.0.2.7", 9)
subprocess.run(["true"], check=True)
subprocess.run([sys.executable, "-c", CHILD], check=True)
token = os.environ.get("APP_TOKEN", "none")
mode = os.environ["APP_MODE"]
import mylib  # noqa: E402


print("finished", mode, token != "none", mylib.VALUE)
"""

CHILD = "import socket\ntry:\n socket.getaddrinfo('child.example.org', 80)\nexcept OSError:\n pass"

SUMMARY = """\
hermetic: observe: 12 actions would be blocked, 0 were blocked (2 processes)
  by guard: network 6, subprocess 2, environment 2, imports 2
  hosts: 127.0.0.1 192.0.2.7 api.example.com cdn.example.net child.example.org
  modules: mylib
  variables: APP_MODE APP_TOKEN
  apis: subprocess.Popen
hermetic: observe: flags that let this run pass: --no-network --no-environment \
--allow-localhost --allow-domain api.example.com --allow-domain cdn.example.net \
--allow-domain child.example.org --allow-ip 192.0.2.7 --allow-env APP_MODE \
--allow-env APP_TOKEN --allow-env SETUPTOOLS_USE_DISTUTILS
hint: nothing narrower lets these through, so they were left out: --no-subprocess \
--deny-import mylib
"""

POLICY = [
    "--no-network",
    "--no-subprocess",
    "--no-env",
    "--allow-env",
    "SETUPTOOLS_USE_DISTUTILS",  # read by setuptools' .pth at start-up
    "--deny-import",
    "mylib",
]
ENV = {"APP_TOKEN": "t", "APP_MODE": "fast"}


@pytest.fixture
def program(tmp_path):
    (tmp_path / "mylib").mkdir()
    (tmp_path / "mylib" / "__init__.py").write_text("VALUE = 42\nimport mylib.sub\n")
    (tmp_path / "mylib" / "sub.py").write_text("")
    prog = tmp_path / "prog.py"
    prog.write_text(PROGRAM.replace("CHILD", repr(CHILD)))
    return prog


def summary_of(stderr):
    return "".join(
        line + "\n"
        for line in stderr.splitlines()
        if line.startswith(("hermetic: observe", "  ", "hint:"))
    )


def suggested_flags(stderr):
    marker = "flags that let this run pass:"
    line = next(line for line in stderr.splitlines() if marker in line)
    return shlex.split(line.split(marker, 1)[1])


def test_program_summary_is_exact_and_its_flags_pass(run_cli, program):
    proc = run_cli("--observe", *POLICY, "--", "python", program, env=ENV, cwd=program.parent)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "finished fast True 42\n"
    assert summary_of(proc.stderr) == SUMMARY
    assert all(" would block " in line for line in trace_lines(proc.stderr))

    again = run_cli(
        *suggested_flags(proc.stderr), "--trace", "--", "python", program, env=ENV,
        cwd=program.parent,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout == "finished fast True 42\n"
    assert trace_lines(again.stderr) == []
    assert "observe" not in again.stderr


def test_pip_download_lists_the_index_host(run_cli, tmp_path):
    proc = run_cli(
        "--observe", "--no-network", "--no-subprocess", "--",
        "python", "-m", "pip", "--isolated", "download", "six", "-d", tmp_path,
        "--no-deps", "--index-url", "https://pypi.org/simple", "--retries", "0",
        "--timeout", "3",
    )
    summary = summary_of(proc.stderr)
    assert "[hermetic] would block socket.getaddrinfo host=pypi.org reason=no-network" in (
        trace_lines(proc.stderr)
    ), proc.stderr
    assert "pypi.org" in summary.split("hosts:")[1].splitlines()[0], summary
    assert "--allow-domain" in suggested_flags(proc.stderr)
    assert "pypi.org" in suggested_flags(proc.stderr)
    assert "PolicyViolation" not in proc.stderr


def test_cli_floor_is_not_weakened_by_an_observing_blocker(run_cli):
    code = textwrap.dedent(
        """
        import socket
        from hermetic import hermetic_blocker
        with hermetic_blocker(observe=True, block_network=True, block_subprocess=True):
            import os
            os.system("true")
            socket.getaddrinfo("example.com", 80)
        """
    )
    proc = run_cli("--no-network", "--", "python", "-c", code)
    assert proc.returncode == 2, proc.stderr
    assert trace_lines(proc.stderr) == [
        "[hermetic] would block subprocess reason=no-subprocess"
    ]
    assert proc.stderr.endswith(
        "hermetic: blocked action: network disabled: DNS(example.com)\n"
    )


def test_trace_file_json_from_every_process(run_cli, tmp_path):
    out = tmp_path / "trace.jsonl"
    code = (
        "import os, subprocess, sys\n"
        "try:\n os.system('true')\nexcept PermissionError:\n pass\n"
        "subprocess.run([sys.executable, '-c', 'import socket\\ntry:\\n"
        " socket.getaddrinfo(\"x.invalid\", 1)\\nexcept Exception:\\n pass'],"
        " close_fds=True)\n"
    )
    proc = run_cli(
        "--no-network", "--trace-file", out, "--trace-format=json", "--",
        "python", "-c", code,
    )
    assert proc.returncode == 0, proc.stderr
    assert trace_lines(proc.stderr) == []
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["verb"], r["api"], r["guard"], r["reason"]) for r in records] == [
        ("blocked", "socket.getaddrinfo", "network", "no-network")
    ]
    assert records[0]["host"] == "x.invalid"
    assert isinstance(records[0]["pid"], int)  # the child's, through close_fds


def test_trace_format_json_on_stderr(run_cli):
    proc = run_cli(
        "--observe", "--no-subprocess", "--trace-format", "json", "--",
        "python", "-c", "import os; os.system('true')",
    )
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stderr.splitlines()[0])
    assert record["verb"] == "would block"
    assert record["api"] == "subprocess"
    assert record["target"] == "os.system"
    assert record["reason"] == "no-subprocess"
    assert isinstance(record["pid"], int)


def test_trace_format_text_is_unchanged(run_cli):
    proc = run_cli("--no-subprocess", "--trace", "--", "python", "-c", "import os; os.system('true')")
    assert trace_lines(proc.stderr) == ["[hermetic] blocked subprocess reason=no-subprocess"]


@pytest.mark.parametrize(
    "args, what",
    [
        (["--trace-format", "xml"], "hermetic: --trace-format: invalid value: xml"),
        (["--trace-file="], "hermetic: --trace-file: needs a value"),
        (["--trace-file", "/nonexistent/dir/t"], "hermetic: --trace-file: /nonexistent/dir/t: "),
    ],
)
def test_output_option_errors(run_cli, args, what):
    proc = run_cli(*args, "--", "python", "-c", "pass")
    assert proc.returncode == 1
    assert proc.stderr.startswith(what), proc.stderr


def test_non_python_top_level_prints_the_summary(run_cli):
    """The shim prints it at exit(3) of whatever program the launcher became."""
    if shutil.which("bash") is None:
        pytest.skip("needs bash (dash ends with _exit, which runs no exit handlers)")
    script = f"{shlex.quote(sys.executable)} -c 'import os; os.system(\"true\")'"
    proc = run_cli("--observe", "--no-subprocess", "--", "bash", "-c", script + "; exit 3")
    assert proc.returncode == 3, proc.stderr
    assert "hermetic: note: bash is not a Python program" in proc.stderr
    assert summary_of(proc.stderr).startswith(
        "hermetic: observe: 1 action would be blocked, 0 were blocked (1 process)\n"
    ), proc.stderr


def test_block_all_observe(run_cli, tmp_path):
    probe = run_cli("--profile", "block-all", "--", "python", "-c", "pass")
    if probe.returncode != 0 and "not available" in probe.stderr:
        pytest.skip("block-all needs guards this build does not have yet")
    proc = run_cli(
        "--observe", "--profile", "block-all", "--", "python", "-c",
        f"open({str(tmp_path / 'out.txt')!r}, 'w').write('x')",
    )
    assert proc.returncode == 0, proc.stderr
    assert f"--allow-write {tmp_path}" in proc.stderr


def test_pip_download_under_observed_block_all(run_cli, tmp_path):
    """Observing block-all must not change what pip does: its vendored six
    execs code and adds a meta path importer, which observe only reports."""
    proc = run_cli("--observe", "--profile", "block-all", "--", "python", "-m", "pip",
                   "download", "six", "--no-deps", "--no-cache-dir", "-d", tmp_path / "dl")
    assert "SystemError" not in proc.stderr, proc.stderr[-2000:]
    assert "ModuleNotFoundError" not in proc.stderr, proc.stderr[-2000:]
    assert "  hosts: pypi.org" in proc.stderr, proc.stderr[-2000:]
    assert "--allow-domain pypi.org" in proc.stderr


def test_trace_format_implies_trace(run_cli):
    proc = run_cli("--no-subprocess", "--trace-format=json", "--", "python", "-c", "import os; os.system('true')")
    assert proc.returncode == 2, proc.stderr
    record = json.loads(proc.stderr.splitlines()[0])
    assert (record["verb"], record["api"], record["reason"]) == ("blocked", "subprocess", "no-subprocess")
