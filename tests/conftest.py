"""Shared fixtures for the Python and command-line tests.

Every guarded case runs in a fresh interpreter: the core's audit hook cannot be
removed, so cases must never share a process with each other or with pytest.
"""

import http.server
import ipaddress
import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

TIMEOUT = 30
BIN_DIR = Path(sys.executable).parent
HERMETIC = BIN_DIR / "hermetic"
# HERMETIC_VALGRIND=DIR runs the launcher under valgrind (memcheck), one log
# per process in DIR; tests/run fails when any log holds an error.  The
# launcher execs its target, so only the launcher itself is checked.
VALGRIND_DIR = os.environ.get("HERMETIC_VALGRIND")


def launcher(*argv):
    """The argv that runs the launcher with ARGV, under valgrind if asked."""
    cmd = [str(HERMETIC), *map(str, argv)]
    if VALGRIND_DIR:
        cmd[:0] = [
            "valgrind",
            "--quiet",
            "--error-exitcode=97",
            f"--log-file={VALGRIND_DIR}/%p.log",
        ]
    return cmd
PROBE_MARK = "@@PROBE "

PROBE = """\
import json, sys
from hermetic import hermetic_blocker

def _report(**kw):
    print({mark!r} + json.dumps(kw), flush=True)

{setup}

def _body():
{body}

def _leaf(exc):
    # asyncio and anyio task groups wrap what a task raised; report the leaf.
    while getattr(exc, "exceptions", None) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc

try:
    with hermetic_blocker(**{policy!r}):
        _result = _body()
except BaseException as exc:
    exc = _leaf(exc)
    target = getattr(exc, "target", None)
    _report(
        raised=type(exc).__name__,
        mro=[c.__name__ for c in type(exc).__mro__],
        guard=getattr(exc, "guard", None),
        target=target if target is None or isinstance(target, str) else repr(target),
        message=str(exc),
    )
else:
    _report(result=repr(_result))
"""


def child_env(extra=None):
    """The environment for a child: ours, no inherited policy, venv first on PATH."""
    env = {k: v for k, v in os.environ.items() if k != "HERMETIC_FLAGS_JSON"}
    env["PATH"] = f"{BIN_DIR}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra or {})
    return env


def trace_lines(text):
    return [line for line in text.splitlines() if line.startswith("[hermetic]")]


@pytest.fixture
def run_py():
    """Runs `python -c code` in a fresh interpreter."""

    def run(code, *, env=None, args=(), input=None, cwd=None):
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            check=False,
            env=child_env(env),
            input=input,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )

    return run


@pytest.fixture
def run_cmd():
    """Runs any command with the children's environment."""

    def run(*argv, env=None, input=None, cwd=None):
        return subprocess.run(
            [*map(str, argv)],
            check=False,
            env=child_env(env),
            input=input,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )

    return run


@pytest.fixture
def spawn_cli():
    """Starts the launcher without waiting, for tests that need its pid."""

    def spawn(*argv, **kwargs):
        return subprocess.Popen(launcher(*argv), env=child_env(), **kwargs)

    return spawn


@pytest.fixture
def run_cli():
    """Runs the installed `hermetic` launcher."""
    if not HERMETIC.exists():
        pytest.fail(f"launcher not installed next to the interpreter: {HERMETIC}")

    def run(*argv, env=None, input=None, cwd=None):
        return subprocess.run(
            launcher(*argv),
            check=False,
            env=child_env(env),
            input=input,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )

    return run


@dataclass
class Outcome:
    """What a probe reported: the body's result or the exception it raised."""

    proc: subprocess.CompletedProcess
    data: dict

    def __getattr__(self, name):
        return self.data.get(name)

    @property
    def stderr(self):
        return self.proc.stderr

    @property
    def trace(self):
        return trace_lines(self.proc.stderr)

    def describe(self):
        return f"{self.data}\nstderr:\n{self.proc.stderr}"

    def assert_blocked(self, guard, target, message, cls=None):
        assert "PolicyViolation" in (self.mro or []), self.describe()
        assert self.guard == guard, self.describe()
        assert self.target == target, self.describe()
        assert self.message == message, self.describe()
        if cls:
            assert self.raised == cls, self.describe()

    def assert_not_blocked(self):
        """The guard let it through: a result, or an error that is not a violation."""
        assert "PolicyViolation" not in (self.mro or []), self.describe()

    def assert_result(self, expected):
        assert self.raised is None, self.describe()
        assert self.result == repr(expected), self.describe()


@pytest.fixture
def probe():
    """Runs body (a function body) inside `with hermetic_blocker(**policy)`.

    setup runs before the blocker is entered; `body` may `return` a value.
    """

    def run(body, setup="", env=None, **policy):
        code = PROBE.format(
            mark=PROBE_MARK,
            setup=textwrap.dedent(setup),
            body=textwrap.indent(textwrap.dedent(body), "    ") or "    pass",
            policy=policy,
        )
        proc = subprocess.run(
            [sys.executable, "-c", code],
            check=False,
            env=child_env(env),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        reports = [ln for ln in proc.stdout.splitlines() if ln.startswith(PROBE_MARK)]
        assert reports, f"probe reported nothing (rc={proc.returncode})\n{proc.stderr}"
        return Outcome(proc, json.loads(reports[-1][len(PROBE_MARK) :]))

    return run


class _EchoHandler(socketserver.BaseRequestHandler):
    def handle(self):
        while data := self.request.recv(4096):
            self.request.sendall(data)


class _HelloHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello from loopback"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def echo_port():
    """A TCP echo server on 127.0.0.1; yields its port."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _EchoHandler)
    server.daemon_threads = True
    with _serve(server):
        yield server.server_address[1]
        server.shutdown()


@pytest.fixture(scope="session")
def http_port():
    """An HTTP server on 127.0.0.1 answering every GET with 200; yields its port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HelloHandler)
    with _serve(server):
        yield server.server_address[1]
        server.shutdown()


def _hosts_loopback_name():
    try:
        lines = Path("/etc/hosts").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split("#")[0].split()
        if len(fields) < 2 or not fields[0].startswith("127."):
            continue
        for name in fields[1:]:
            lowered = name.lower().rstrip(".")
            if lowered == "localhost" or lowered.endswith(".localhost"):
                continue
            if lowered.startswith("ip6-") or "localhost" in lowered:
                continue
            try:
                if ipaddress.ip_address(socket.gethostbyname(name)).is_loopback:
                    return name
            except OSError:
                continue
    return None


@pytest.fixture(scope="session")
def loopback_name():
    """A host name that resolves to loopback but is not a `localhost` name.

    Lets a test allow loopback through --allow-domain alone. Uses an /etc/hosts
    entry when one exists, adds one when /etc/hosts is writable, else skips.
    """
    name = _hosts_loopback_name()
    if name:
        yield name
        return
    hosts = Path("/etc/hosts")
    try:
        saved = hosts.read_text()
        hosts.write_text(saved + "\n127.0.0.1 hermetic-allowed.test\n")
    except OSError:
        pytest.skip("no non-localhost loopback name and /etc/hosts is not writable")
    try:
        yield "hermetic-allowed.test"
    finally:
        hosts.write_text(saved)


@pytest.fixture(scope="session")
def metadata_name():
    """A host name that resolves to the metadata address 169.254.169.254.

    Adds an /etc/hosts entry when it is missing and the file is writable
    (CI runs as root), and leaves it: workers share the file.  Skips
    otherwise.
    """
    name = "hermetic-metadata.test"
    try:
        if socket.gethostbyname(name) == "169.254.169.254":
            return name
    except OSError:
        pass
    try:
        with open("/etc/hosts", "a") as hosts:
            hosts.write(f"\n169.254.169.254 {name}\n")
    except OSError:
        pytest.skip("no name resolves to the metadata address and /etc/hosts is read-only")
    return name


def _ipv6_loopback():
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


HAVE_IPV6 = _ipv6_loopback()


@pytest.fixture
def family():
    """Maps a host to the socket family expression a probe should use.

    Skips the test when the host is IPv6 and this machine has no IPv6 loopback.
    """

    def pick(host):
        if ":" not in host:
            return "socket.AF_INET"
        if not HAVE_IPV6:
            pytest.skip("no IPv6 loopback here")
        return "socket.AF_INET6"

    return pick


# A program that says whether it runs with privileges and whether a lookup
# was blocked: run set-group-ID, ld.so would skip LD_PRELOAD.
SETGID_CHILD = """
import os, socket
print("PRIVILEGED", os.getegid() != os.getgid())
try:
    socket.getaddrinfo("localhost", 80)
    print("NOT BLOCKED")
except Exception as exc:
    print("BLOCKED", type(exc).__name__)
"""


@pytest.fixture
def setgid_python(tmp_path, run_cmd):
    """A copy of this interpreter that is set-group-ID to another group (the
    kernel runs it in secure mode, where ld.so ignores LD_PRELOAD), and
    SETGID_CHILD, the code to run with it."""
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file another group")
    path = tmp_path / "sgpython"
    shutil.copy(os.path.realpath(sys.executable), path)
    os.chown(path, -1, 4242)
    os.chmod(path, 0o2755)
    proc = run_cmd(path, "-c", SETGID_CHILD)
    if "PRIVILEGED True" not in proc.stdout:
        pytest.skip(f"the copy does not run set-group-ID here: {proc.stdout}{proc.stderr}")
    assert "NOT BLOCKED" in proc.stdout, proc.stdout
    return path, SETGID_CHILD


@pytest.fixture
def open_dir(request):
    """A directory every user may enter (pytest's tmp_path is not)."""
    base = Path(tempfile.mkdtemp())
    request.addfinalizer(lambda: shutil.rmtree(base))
    base.chmod(0o755)
    return base


@pytest.fixture
def fcap_python(open_dir):
    """A copy of this interpreter in open_dir with file capabilities (only
    the effective flag): run by a user other than root, exec runs it in
    secure mode, where ld.so ignores LD_PRELOAD, no_new_privs or not."""
    if os.geteuid() != 0:
        pytest.skip("needs root to set file capabilities and change user")
    path = open_dir / "capython"
    shutil.copy(os.path.realpath(sys.executable), path)
    try:
        os.setxattr(path, "security.capability", (0x02000001).to_bytes(4, "little") + bytes(16))
    except OSError as exc:
        pytest.skip(f"cannot set file capabilities here: {exc}")
    return path
