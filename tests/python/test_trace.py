"""The trace (SPEC 5, seed/tracing.md) through the Python API."""

import pytest

HEAD = """
import os, socket, subprocess, sys
from hermetic import hermetic_blocker, PolicyViolation

def attempt(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except PolicyViolation:
        pass
"""


def traced(run_py, body, **policy):
    """Runs body under a blocker with policy; returns (stdout lines, stderr lines)."""
    policy.setdefault("trace", True)
    code = f"{HEAD}\nwith hermetic_blocker(**{policy!r}):\n"
    code += "".join(f"    {line}\n" for line in body.strip().splitlines())
    proc = run_py(code)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines(), proc.stderr.splitlines()


SEED_NETWORK = [
    (
        "attempt(socket.socket().connect, ('example.com', 80))",
        "[hermetic] blocked socket.connect host=example.com reason=no-network",
    ),
    (
        "attempt(socket.getaddrinfo, 'api.example.com', 443)",
        "[hermetic] blocked socket.getaddrinfo host=api.example.com reason=no-network",
    ),
    (
        "attempt(socket.socket().bind, ('0.0.0.0', 8000))",
        "[hermetic] blocked socket.bind host=0.0.0.0 reason=no-network",
    ),
]


@pytest.mark.parametrize(("body", "expected"), SEED_NETWORK)
def test_seed_network_lines(run_py, body, expected):
    assert traced(run_py, body, block_network=True)[1] == [expected]


def test_seed_subprocess_line(run_py):
    _, err = traced(run_py, "attempt(subprocess.run, ['true'])", block_subprocess=True)
    assert err == ["[hermetic] blocked subprocess reason=no-subprocess"]


def test_seed_programmatic_example(run_py):
    """The seed's "Inspecting blocks programmatically" example, verbatim."""
    code = """
from hermetic import hermetic_blocker
from hermetic.errors import PolicyViolation
with hermetic_blocker(block_network=True):
    try:
        import urllib.request
        urllib.request.urlopen("https://example.com")
    except PolicyViolation as exc:
        print(f"intercepted: {exc}")
"""
    proc = run_py(code)
    assert proc.stdout == "intercepted: network disabled: DNS(example.com)\n", proc.stderr
    assert proc.stderr == ""


def test_one_line_per_blocked_action_even_if_caught(run_py):
    body = """
attempt(socket.getaddrinfo, 'one.test', 80)
attempt(socket.gethostbyname, 'two.test')
attempt(socket.socket().bind, ('0.0.0.0', 0))
attempt(os.system, 'true')
"""
    _, err = traced(run_py, body, block_network=True, block_subprocess=True)
    assert err == [
        "[hermetic] blocked socket.getaddrinfo host=one.test reason=no-network",
        "[hermetic] blocked socket.gethostbyname host=two.test reason=no-network",
        "[hermetic] blocked socket.bind host=0.0.0.0 reason=no-network",
        "[hermetic] blocked subprocess reason=no-subprocess",
    ]


def test_a_thousand_lookups_are_a_thousand_lines(run_py):
    body = "for i in range(1000): attempt(socket.getaddrinfo, f'h{i}.test', 80)"
    _, err = traced(run_py, body, block_network=True)
    assert len(err) == 1000
    assert err[999] == "[hermetic] blocked socket.getaddrinfo host=h999.test reason=no-network"


def test_lines_from_threads_never_interleave(run_py):
    body = """
import threading
def many():
    for i in range(200): attempt(socket.gethostbyname, f'thread-host-{i}.test')
threads = [threading.Thread(target=many) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
"""
    _, err = traced(run_py, body, block_network=True)
    assert len(err) == 1600
    prefix = "[hermetic] blocked socket.gethostbyname host=thread-host-"
    assert all(ln.startswith(prefix) and ln.endswith(".test reason=no-network") for ln in err)


@pytest.mark.parametrize(
    ("host", "written"),
    [
        ("plain.test", "plain.test"),
        ("with space", '"with space"'),
        ('quo"te', r'"quo\"te"'),
        ("back\\slash", r'"back\\slash"'),
        ("new\nline", r'"new\nline"'),
        ("tab\there", r'"tab\there"'),
    ],
)
def test_value_quoting(run_py, host, written):
    _, err = traced(run_py, f"attempt(socket.gethostbyname, {host!r})", block_network=True)
    assert err == [f"[hermetic] blocked socket.gethostbyname host={written} reason=no-network"]


def test_long_value_is_cut(run_py):
    host = ("a" * 60 + ".") * 160  # labels short enough for the idna codec
    _, err = traced(run_py, f"attempt(socket.gethostbyname, {host!r})", block_network=True)
    assert len(err) == 1
    assert err[0].startswith("[hermetic] blocked socket.gethostbyname host=aaaa")
    assert err[0].endswith("... reason=no-network")
    assert len(err[0].encode()) + 1 <= 4096


def test_no_trace_without_trace(run_py):
    body = "attempt(socket.getaddrinfo, 'example.com', 80)\nattempt(os.system, 'true')"
    _, err = traced(run_py, body, block_network=True, block_subprocess=True, trace=False)
    assert err == []


def test_trace_ors_across_nested_blockers(run_py):
    body = """
with hermetic_blocker(block_subprocess=True):
    attempt(socket.getaddrinfo, 'inner.test', 80)
attempt(socket.getaddrinfo, 'outer.test', 80)
"""
    _, err = traced(run_py, body, block_network=True, trace=True)
    assert err == [
        "[hermetic] blocked socket.getaddrinfo host=inner.test reason=no-network",
        "[hermetic] blocked socket.getaddrinfo host=outer.test reason=no-network",
    ]


def test_trace_from_an_inner_blocker_only(run_py):
    body = """
with hermetic_blocker(block_network=True, trace=True):
    attempt(socket.getaddrinfo, 'inner.test', 80)
attempt(socket.getaddrinfo, 'outer.test', 80)
"""
    _, err = traced(run_py, body, block_network=True, trace=False)
    assert err == ["[hermetic] blocked socket.getaddrinfo host=inner.test reason=no-network"]


def test_argv_and_environment_never_written(run_py):
    body = """
attempt(subprocess.run, ['echo', 'SECRET-ARGV-1234'], env={'TOKEN': 'SECRET-ENV-5678'})
attempt(os.execve, '/bin/echo', ['echo', 'SECRET-ARGV-1234'], {'TOKEN': 'SECRET-ENV-5678'})
attempt(os.system, 'echo SECRET-ARGV-1234')
attempt(os.posix_spawn, '/bin/echo', ['SECRET-ARGV-1234'], {'T': 'SECRET-ENV-5678'})
"""
    _, err = traced(run_py, body, block_subprocess=True)
    assert err == ["[hermetic] blocked subprocess reason=no-subprocess"] * 4
