"""A suite with one test that phones home and one that shells out, run under
a session policy: each caught with the right report, the others passing,
with and without xdist."""

import pytest

from hermetic import _core


def guard_available(**policy):
    """False while this build refuses the policy as not available yet."""
    try:
        _core.Policy(**policy)
    except ValueError as exc:
        if "not available" in str(exc):
            return False
        raise
    return True


SUITE = {
    "test_suite.py": """
        import asyncio, os, socket, subprocess, urllib.request

        def test_phones_home():
            socket.getaddrinfo("example.com", 443)

        def test_swallows_phone_home():
            try:
                urllib.request.urlopen("http://example.com", timeout=5)
            except Exception:
                pass

        def test_shells_out():
            subprocess.run(["true"], check=True)

        def test_pytest_machinery(tmp_path, capsys, request):
            (tmp_path / "x").write_text("ok")
            print("captured")
            assert capsys.readouterr().out == "captured\\n"
            assert os.environ["PYTEST_CURRENT_TEST"].endswith("(call)")
            request.config.cache.set("hermetic/x", 1)
            assert request.config.cache.get("hermetic/x", 0) == 1

        def test_assertion_rewriting():
            value = [1, 2]
            try:
                assert value == [1, 3]
            except AssertionError as exc:
                assert "[1, 2] == [1, 3]" in str(exc)

        async def test_asyncio_loopback():
            async def echo(reader, writer):
                writer.write(await reader.read(5))
                await writer.drain()
                writer.close()

            server = await asyncio.start_server(echo, "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"hello")
            await writer.drain()
            assert await reader.read(5) == b"hello"
            writer.close()
            server.close()
    """
}

POLICY = ["--hermetic-no-network", "--hermetic-allow-localhost", "--hermetic-no-subprocess"]
XDIST = [[], ["-n", "2"]]
LOOKUP = "[hermetic] blocked socket.getaddrinfo host=example.com reason=no-network"
SPAWN = "[hermetic] blocked subprocess reason=no-subprocess"


@pytest.mark.parametrize("xdist", XDIST, ids=["serial", "xdist"])
def test_each_violation_caught_the_rest_pass(run_session, xdist):
    session = run_session(SUITE, *POLICY, *xdist)
    assert session.outcomes == {
        "test_phones_home": "FAILED",
        "test_swallows_phone_home": "FAILED",
        "test_shells_out": "FAILED",
        "test_pytest_machinery": "PASSED",
        "test_assertion_rewriting": "PASSED",
        "test_asyncio_loopback": "PASSED",
    }, session
    out = session.output
    assert "NetworkViolation: network disabled: DNS(example.com)" in out, session
    assert "SubprocessViolation: subprocess disabled: subprocess.Popen" in out, session
    assert "caught by the code under test (strict mode):\n" + LOOKUP in out, session
    summary = session.section("hermetic violations")
    assert f"test_suite.py::test_swallows_phone_home\n    {LOOKUP}" in summary, session
    assert f"test_suite.py::test_shells_out\n    {SPAWN}" in summary, session
    assert "test_pytest_machinery" not in summary, session


def test_without_policy_nothing_is_blocked(run_session):
    session = run_session({"test_a.py": "def test_spawn():\n    import os; os.system('true')\n"})
    assert session.outcomes == {"test_spawn": "PASSED"}, session
    assert "hermetic violations" not in session.output, session


@pytest.mark.parametrize("xdist", XDIST, ids=["serial", "xdist"])
def test_writes_outside_tmp_path(run_session, tmp_path, xdist):
    if not guard_available(fs_readonly=True):
        pytest.skip("the filesystem guard is not available in this version")
    outside = tmp_path / "outside"
    outside.mkdir()
    files = {
        "test_fs.py": f"""
            def test_writes_outside():
                open({str(outside / "x")!r}, "w").write("leak")

            def test_writes_tmp_path(tmp_path):
                (tmp_path / "x").write_text("ok")
        """
    }
    session = run_session(files, "--hermetic-fs-readonly", *xdist)
    assert session.outcomes == {
        "test_writes_outside": "FAILED",
        "test_writes_tmp_path": "PASSED",
    }, session
    assert "FilesystemViolation: filesystem readonly:" in session.output, session
    assert not (outside / "x").exists()


def test_python_children_inherit_the_session_policy(run_session):
    files = {
        "test_child.py": """
            import subprocess, sys

            def test_child():
                code = "import socket; socket.getaddrinfo('example.com', 80)"
                proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
                assert proc.returncode == 2
                assert "blocked action: network disabled: DNS(example.com)" in proc.stderr
        """
    }
    session = run_session(files, "--hermetic-no-network")
    assert session.outcomes == {"test_child": "PASSED"}, session


def test_strict_off_reports_without_failing(run_session):
    session = run_session(SUITE, *POLICY, "--no-hermetic-strict", "-k", "swallows")
    assert session.outcomes == {"test_swallows_phone_home": "PASSED"}, session
    assert LOOKUP in session.section("hermetic violations"), session


def test_strict_ini_setting(run_session):
    pyproject = """\
        [tool.pytest.ini_options]
        hermetic_strict = false
        hermetic_block_network = true
    """
    session = run_session(SUITE, "-k", "swallows", pyproject=pyproject)
    assert session.outcomes == {"test_swallows_phone_home": "PASSED"}, session
