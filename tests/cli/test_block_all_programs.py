"""`--profile block-all` on real programs: they start, import, compute and
print, and stop at the first blocked action with the right line.

The standard library's own command-line tools, and programs using real
PyPI packages (click, rich, jinja2, PyYAML with its C extension,
MarkupSafe with its speedups) installed for the tests.
"""

import sys
import textwrap

import pytest

PY = sys.executable


@pytest.fixture(scope="module")
def block_all(run_cli_module):
    probe = run_cli_module("--profile", "block-all", "--", PY, "-c", "pass")
    if "not available" in probe.stderr:
        pytest.skip("block-all needs a guard this build does not have")
    assert probe.returncode == 0, probe.stderr
    return run_cli_module


@pytest.fixture(scope="module")
def run_cli_module():
    import subprocess
    from pathlib import Path

    hermetic = Path(PY).parent / "hermetic"

    def run(*argv, cwd=None):
        return subprocess.run(
            [str(hermetic), *map(str, argv)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=cwd,
        )

    return run


def script(tmp_path, code):
    path = tmp_path / "prog.py"
    path.write_text(textwrap.dedent(code))
    return path


def test_json_tool(block_all, tmp_path):
    data = tmp_path / "in.json"
    data.write_text('{"b": 1, "a": [1, 2]}')
    proc = block_all("--profile", "block-all", "--", PY, "-m", "json.tool", "--sort-keys", data)
    assert proc.returncode == 0, proc.stderr
    assert '"a": [' in proc.stdout


def test_tokenize(block_all, tmp_path):
    src = tmp_path / "x.py"
    src.write_text("x = 1 + 2\n")
    proc = block_all("--profile", "block-all", "--", PY, "-m", "tokenize", src)
    assert proc.returncode == 0, proc.stderr
    assert "NAME" in proc.stdout and "'x'" in proc.stdout


def test_calendar(block_all):
    proc = block_all("--profile", "block-all", "--", PY, "-m", "calendar", "2026", "12")
    assert proc.returncode == 0, proc.stderr
    assert "December 2026" in proc.stdout


def test_http_server_stops_at_its_bind(block_all, tmp_path):
    proc = block_all("--profile", "block-all", "--trace", "--", PY, "-m", "http.server", "0",
                     cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("hermetic: blocked action: network disabled: bind("), last
    assert "[hermetic] blocked socket.bind host=" in proc.stderr


def test_click_program(block_all, tmp_path):
    pytest.importorskip("click")
    prog = script(tmp_path, """
        import click

        @click.command()
        @click.option("--count", default=1, type=int)
        @click.argument("name")
        def hello(count, name):
            for _ in range(count):
                click.echo(f"hello {name}")

        hello()
    """)
    proc = block_all("--profile", "block-all", "--", PY, prog, "--count", "2", "world")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["hello world", "hello world"]


def test_rich_program(block_all, tmp_path):
    pytest.importorskip("rich")
    prog = script(tmp_path, """
        from rich.console import Console
        from rich.table import Table

        table = Table(title="sums")
        table.add_column("n")
        table.add_column("sum")
        for n in (10, 100):
            table.add_row(str(n), str(sum(range(n))))
        Console(width=60, color_system=None).print(table)
    """)
    proc = block_all("--profile", "block-all", "--", PY, prog)
    assert proc.returncode == 0, proc.stderr
    assert "4950" in proc.stdout


def test_jinja2_imports_and_is_stopped_at_code_generation(block_all, tmp_path):
    pytest.importorskip("jinja2")
    prog = script(tmp_path, """
        import jinja2
        print("imported", jinja2.__version__)
        print(jinja2.Template("hello {{ name }}").render(name="world"))
    """)
    proc = block_all("--profile", "block-all", "--trace", "--", PY, prog)
    assert proc.stdout.startswith("imported"), proc.stderr
    assert proc.returncode == 2, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("hermetic: blocked action: dynamic code execution disabled:"), last


def test_pyyaml_falls_back_from_its_c_extension(block_all, tmp_path):
    pytest.importorskip("yaml")
    prog = script(tmp_path, """
        import yaml
        print("libyaml", yaml.__with_libyaml__)
        print(yaml.safe_load("a: [1, 2]\\nb: x\\n"))
    """)
    proc = block_all("--profile", "block-all", "--", PY, prog)
    assert proc.returncode == 0, proc.stderr
    assert "libyaml False" in proc.stdout
    assert "{'a': [1, 2], 'b': 'x'}" in proc.stdout


def test_markupsafe_falls_back_from_its_speedups(block_all, tmp_path):
    pytest.importorskip("markupsafe")
    prog = script(tmp_path, """
        import markupsafe
        print(markupsafe.escape("<b>&</b>"))
    """)
    proc = block_all("--profile", "block-all", "--", PY, prog)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "&lt;b&gt;&amp;&lt;/b&gt;"
