"""The subprocess guard (SPEC 3 "Subprocess"), each case in a fresh interpreter."""

import pytest

NO_PROC = {"block_subprocess": True, "trace": True}
SETUP = "import os, sys, subprocess"
TRACE_LINE = "[hermetic] blocked subprocess reason=no-subprocess"
SPAWN = "multiprocessing.util.spawnv_passfds(os.fsencode(sys.executable), [b'true'], ())"


@pytest.mark.parametrize(
    ("setup", "body", "api"),
    [
        (SETUP, "subprocess.run(['true'])", "subprocess.Popen"),
        (SETUP, "subprocess.Popen(['true']).wait()", "subprocess.Popen"),
        (SETUP, "subprocess.check_output('true', shell=True)", "subprocess.Popen"),
        (SETUP, "os.popen('true').read()", "subprocess.Popen"),
        (SETUP, "os.system('true')", "os.system"),
        (SETUP, "os.execv('/bin/true', ['true'])", "os.exec"),
        (SETUP, "os.execvpe('true', ['true'], {})", "os.exec"),
        (SETUP, "os.spawnv(os.P_WAIT, '/bin/true', ['true'])", "os.fork"),
        (SETUP, "os.posix_spawn('/bin/true', ['true'], {})", "os.posix_spawn"),
        (SETUP, "os.posix_spawnp('true', ['true'], {})", "os.posix_spawn"),
        (SETUP, "os.fork() or os._exit(0)", "os.fork"),
        (SETUP, "os.forkpty()", "os.forkpty"),
        # pty.fork falls back to os.fork when os.forkpty raises an OSError.
        ("import pty", "pty.fork()", "os.fork"),
        ("import pty", "pty.spawn('true')", "pty.spawn"),
        (
            "import os, sys, multiprocessing.util",
            SPAWN,
            "_posixsubprocess.fork_exec",
        ),
    ],
)
def test_process_creation_blocked(probe, setup, body, api):
    out = probe(body, setup=setup, **NO_PROC)
    out.assert_blocked("subprocess", api, f"subprocess disabled: {api}")
    assert out.raised == "SubprocessViolation"
    assert "PermissionError" in out.mro
    # os.execvpe tries each PATH entry and pty.fork falls back: one line per attempt.
    assert out.trace and set(out.trace) == {TRACE_LINE}


@pytest.mark.parametrize(
    "body",
    [
        f"_posixsubprocess.fork_exec = captured; {SPAWN}",
        f"del sys.modules['_posixsubprocess']; {SPAWN}",
    ],
    ids=["captured-reference", "reimported"],
)
def test_fork_exec_guarded_however_reached(probe, body):
    """The C function itself is guarded, not the module attribute."""
    setup = """
    import os, sys, multiprocessing.util, _posixsubprocess
    captured = _posixsubprocess.fork_exec
    """
    out = probe(body, setup=setup, **NO_PROC)
    api = "_posixsubprocess.fork_exec"
    out.assert_blocked("subprocess", api, f"subprocess disabled: {api}")


@pytest.mark.parametrize("method", ["spawn", "fork", "forkserver"])
def test_multiprocessing_start_methods_blocked(probe, method):
    body = f"""
    p = multiprocessing.get_context({method!r}).Process(target=os.getpid)
    p.start()
    p.join()
    """
    out = probe(body, setup="import multiprocessing, os", **NO_PROC)
    assert out.raised == "SubprocessViolation", out.describe()
    assert out.guard == "subprocess"
    assert out.message.startswith("subprocess disabled: ")
    assert TRACE_LINE in out.trace


def test_asyncio_subprocess_blocked(probe):
    body = "return asyncio.run(asyncio.create_subprocess_exec('true'))"
    out = probe(body, setup="import asyncio", **NO_PROC)
    out.assert_blocked("subprocess", "subprocess.Popen", "subprocess disabled: subprocess.Popen")


def test_asyncio_shell_subprocess_blocked(probe):
    body = "return asyncio.run(asyncio.create_subprocess_shell('true'))"
    out = probe(body, setup="import asyncio", **NO_PROC)
    assert out.raised == "SubprocessViolation", out.describe()


def test_threads_allowed(probe):
    body = """
    seen = []
    t = threading.Thread(target=lambda: seen.append(threading.get_ident()))
    t.start()
    t.join()
    return len(seen)
    """
    probe(body, setup="import threading", block_subprocess=True).assert_result(1)


def test_thread_pool_allowed(probe):
    body = """
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return sum(pool.map(abs, [-1, -2, -3]))
    """
    probe(body, setup="import concurrent.futures", block_subprocess=True).assert_result(6)


def test_violation_never_holds_argv(probe):
    body = "subprocess.run(['echo', 'SECRET-ARGV-1234'], env={'TOKEN': 'SECRET-ENV-5678'})"
    out = probe(body, setup=SETUP, **NO_PROC)
    assert out.raised == "SubprocessViolation", out.describe()
    assert "SECRET" not in out.message + str(out.target) + out.stderr


def test_subprocess_allowed_under_block_network(probe):
    body = "return subprocess.run(['true']).returncode"
    probe(body, setup=SETUP, block_network=True).assert_result(0)
