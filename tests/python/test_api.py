"""The Python API (SPEC 6) and PolicyViolation (SPEC 4)."""

import pytest

# Two probes that need no server and no DNS: a wildcard bind is network,
# os.system('true') is a process.  Each prints what happened.
HELPERS = """
import os, socket, sys
from hermetic import hermetic_blocker, with_hermetic, PolicyViolation

def net():
    try:
        socket.socket().bind(("0.0.0.0", 0))
    except PolicyViolation as exc:
        return f"net blocked ({exc})"
    return "net ok"

def proc():
    try:
        os.system("true")
    except PolicyViolation:
        return "proc blocked"
    return "proc ok"

def say(*what):
    print(*what, flush=True)
"""


def run(run_py, code):
    proc = run_py(HELPERS + code)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_nothing_is_installed_at_import(run_py):
    code = """
import hermetic, hermetic.errors
say(net(), proc())
"""
    assert run(run_py, code) == ["net ok proc ok"]


def test_public_names(run_py):
    code = """
import hermetic, hermetic.errors as e
say(hermetic.PolicyViolation is e.PolicyViolation)
say(issubclass(e.PolicyViolation, RuntimeError))
say(issubclass(e.NetworkViolation, e.PolicyViolation), issubclass(e.NetworkViolation, OSError))
say(issubclass(e.SubprocessViolation, e.PolicyViolation),
    issubclass(e.SubprocessViolation, PermissionError))
say(callable(hermetic.hermetic_blocker), callable(hermetic.with_hermetic))
"""
    assert run(run_py, code) == ["True", "True", "True False", "True True", "True True"]


def test_context_manager_enters_and_leaves(run_py):
    code = """
say(net())
with hermetic_blocker(block_network=True):
    say(net(), proc())
say(net())
"""
    assert run(run_py, code) == [
        "net ok",
        "net blocked (network disabled: bind(0.0.0.0)) proc ok",
        "net ok",
    ]


def test_exception_inside_still_leaves(run_py):
    code = """
try:
    with hermetic_blocker(block_network=True):
        raise KeyError("boom")
except KeyError:
    pass
say(net())
"""
    assert run(run_py, code) == ["net ok"]


def test_async_with(run_py):
    code = """
import asyncio
async def main():
    async with hermetic_blocker(block_network=True):
        await asyncio.sleep(0)
        say(net())
    say(net())
asyncio.run(main())
"""
    assert run(run_py, code) == ["net blocked (network disabled: bind(0.0.0.0))", "net ok"]


@pytest.mark.parametrize(
    "decorator",
    ["hermetic_blocker(block_subprocess=True)", "with_hermetic(block_subprocess=True)"],
)
def test_decorator_on_def(run_py, decorator):
    code = f"""
@{decorator}
def guarded(x):
    return proc() + " " + x
say(guarded("arg"))
say(proc())
say(guarded("again"))
"""
    assert run(run_py, code) == ["proc blocked arg", "proc ok", "proc blocked again"]


@pytest.mark.parametrize(
    "decorator", ["hermetic_blocker(block_network=True)", "with_hermetic(block_network=True)"]
)
def test_decorator_on_async_def_guards_the_whole_run(run_py, decorator):
    code = f"""
import asyncio
@{decorator}
async def guarded():
    first = net()
    await asyncio.sleep(0.01)
    return first, net()
async def bystander():
    await asyncio.sleep(0.005)
    return net()
async def main():
    return await asyncio.gather(guarded(), bystander())
(first, second), other = asyncio.run(main())
say(first); say(second); say(other); say(net())
"""
    blocked = "net blocked (network disabled: bind(0.0.0.0))"
    assert run(run_py, code) == [blocked, blocked, blocked, "net ok"]


def test_decorated_coroutine_function_stays_a_coroutine_function(run_py):
    code = """
import inspect
@with_hermetic(block_network=True)
async def f():
    pass
say(inspect.iscoroutinefunction(f))
"""
    assert run(run_py, code) == ["True"]


def test_inner_cannot_widen_outer(run_py, echo_port):
    code = f"""
with hermetic_blocker(block_network=True):
    with hermetic_blocker(block_network=True, allow_localhost=True):
        try:
            socket.create_connection(("127.0.0.1", {echo_port}), timeout=5)
            say("loopback ok")
        except PolicyViolation as exc:
            say(exc)
"""
    assert run(run_py, code) == ["network disabled: connect(127.0.0.1)"]


def test_nesting_adds_and_leaving_inner_keeps_outer(run_py):
    code = """
with hermetic_blocker(block_network=True):
    with hermetic_blocker(block_subprocess=True):
        say(net(), proc())
    say(net(), proc())
say(net(), proc())
"""
    blocked = "net blocked (network disabled: bind(0.0.0.0))"
    assert run(run_py, code) == [
        f"{blocked} proc blocked",
        f"{blocked} proc ok",
        "net ok proc ok",
    ]


def test_one_object_reused(run_py):
    code = """
b = hermetic_blocker(block_subprocess=True)
for _ in range(3):
    with b:
        say(proc())
    say(proc())
"""
    assert run(run_py, code) == ["proc blocked", "proc ok"] * 3


def test_one_object_reentered(run_py):
    code = """
b = hermetic_blocker(block_subprocess=True)
with b:
    with b:
        say(proc())
    say(proc())
say(proc())
"""
    assert run(run_py, code) == ["proc blocked", "proc blocked", "proc ok"]


def test_leaving_out_of_order_removes_that_policy(run_py):
    code = """
a = hermetic_blocker(block_network=True)
b = hermetic_blocker(block_subprocess=True)
a.__enter__(); b.__enter__()
a.__exit__(None, None, None)
say(net(), proc())
b.__exit__(None, None, None)
say(net(), proc())
"""
    assert run(run_py, code) == ["net ok proc blocked", "net ok proc ok"]


def test_blockers_in_different_threads(run_py):
    code = """
import threading
entered, release, left = threading.Event(), threading.Event(), threading.Event()
def worker():
    with hermetic_blocker(block_network=True):
        entered.set()
        release.wait(10)
    left.set()
t = threading.Thread(target=worker)
t.start()
entered.wait(10)
with hermetic_blocker(block_subprocess=True):
    say("both", net(), proc())
    release.set()
    left.wait(10)
    say("main only", net(), proc())
t.join()
say("none", net(), proc())
"""
    assert run(run_py, code) == [
        "both net blocked (network disabled: bind(0.0.0.0)) proc blocked",
        "main only net ok proc blocked",
        "none net ok proc ok",
    ]


def test_guards_are_process_wide(run_py):
    code = """
import threading
out = []
with hermetic_blocker(block_network=True):
    t = threading.Thread(target=lambda: out.append(net()))
    t.start(); t.join()
say(out[0])
"""
    assert run(run_py, code) == ["net blocked (network disabled: bind(0.0.0.0))"]


@pytest.mark.parametrize(
    "how",
    [
        "with hermetic_blocker(block_network=True, sealed=True):\n    pass",
        "b = hermetic_blocker(block_network=True, sealed=True)\n"
        "b.__enter__()\nb.__exit__(None, None, None)",
    ],
    ids=["with", "manual-exit"],
)
def test_sealed_keeps_the_policy(run_py, how):
    code = f"""
{how}
say(net())
with hermetic_blocker(block_subprocess=True):
    pass
say(net(), proc())
"""
    blocked = "net blocked (network disabled: bind(0.0.0.0))"
    assert run(run_py, code) == [blocked, f"{blocked} proc ok"]


def test_sealed_survives_the_core_module(run_py):
    """Removing entries through the private module must not weaken a sealed policy."""
    code = """
import hermetic._core as core
b = hermetic_blocker(block_network=True, sealed=True)
b.__enter__()
for i in range(-2, 200):
    try:
        core.remove(i)
    except Exception:
        pass
b._ids.clear()
try:
    b.__exit__(None, None, None)
except Exception:
    pass
say(net())
"""
    assert run(run_py, code) == ["net blocked (network disabled: bind(0.0.0.0))"]


def test_sealed_survives_reimport(run_py):
    code = """
import importlib, sys
with hermetic_blocker(block_network=True, sealed=True):
    pass
for name in [m for m in sys.modules if m == "hermetic" or m.startswith("hermetic.")]:
    del sys.modules[name]
import hermetic
importlib.reload(socket)
say(net())
"""
    assert run(run_py, code) == ["net blocked (network disabled: bind(0.0.0.0))"]


EITHER = ("TypeError", "ValueError")


@pytest.mark.parametrize(
    ("kwargs", "allowed", "name"),
    [
        ("block_netwrk=True", ("TypeError",), "block_netwrk"),
        ("allow_ips=['300.1.1.1']", EITHER, "allow_ips"),
        ("allow_ips=['10.0.0.0/33']", EITHER, "allow_ips"),
        ("allow_ips=['not an address']", EITHER, "allow_ips"),
        ("allow_ips=[10]", EITHER, "allow_ips"),
        ("allow_domains=[1]", EITHER, "allow_domains"),
        ("allow_domains=['bad domain']", EITHER, "allow_domains"),
        ("profile='nope'", EITHER, "profile"),
        ("profile=3", EITHER, "profile"),
    ],
)
def test_bad_arguments(run_py, kwargs, allowed, name):
    """Unknown keywords are TypeError; bad values TypeError or ValueError naming the argument."""
    code = f"""
try:
    with hermetic_blocker({kwargs}):
        say("entered")
except (TypeError, ValueError) as exc:
    say(type(exc).__name__, str(exc))
say(net())
"""
    first, last = run(run_py, code)
    assert first.split()[0] in allowed, first
    assert name in first
    assert last == "net ok"


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("net-hermetic", "net blocked (network disabled: bind(0.0.0.0)) loopback ok proc ok"),
        ("exec-deny", "net ok loopback ok proc blocked"),
        (
            ["net-hermetic", "exec-deny"],
            "net blocked (network disabled: bind(0.0.0.0)) loopback ok proc blocked",
        ),
    ],
)
def test_profiles(run_py, echo_port, profile, expected):
    code = f"""
with hermetic_blocker(profile={profile!r}):
    socket.create_connection(("127.0.0.1", {echo_port}), timeout=5).close()
    say(net(), "loopback ok", proc())
"""
    assert run(run_py, code) == [expected]


def test_profile_merges_with_keywords(run_py):
    code = """
with hermetic_blocker(profile="exec-deny", block_network=True):
    say(net(), proc())
"""
    assert run(run_py, code) == ["net blocked (network disabled: bind(0.0.0.0)) proc blocked"]


def test_policy_violation_pickles(run_py):
    code = """
import pickle
from hermetic.errors import NetworkViolation
with hermetic_blocker(block_network=True):
    try:
        socket.getaddrinfo("example.com", 80)
    except PolicyViolation as exc:
        caught = exc
copy = pickle.loads(pickle.dumps(caught))
say(type(copy).__name__, copy.guard, copy.target)
say(copy)
say(isinstance(copy, NetworkViolation))
"""
    assert run(run_py, code) == [
        "NetworkViolation network example.com",
        "network disabled: DNS(example.com)",
        "True",
    ]


def test_subprocess_violation_pickles(run_py):
    code = """
import pickle
with hermetic_blocker(block_subprocess=True):
    try:
        os.system("true")
    except PolicyViolation as exc:
        caught = exc
copy = pickle.loads(pickle.dumps(caught))
say(type(copy).__name__, copy.guard, copy.target, isinstance(copy, PermissionError))
say(copy)
"""
    assert run(run_py, code) == [
        "SubprocessViolation subprocess os.system True",
        "subprocess disabled: os.system",
    ]


def test_violation_str_has_no_quotes(run_py):
    code = """
with hermetic_blocker(block_network=True):
    try:
        socket.gethostbyname("example.com")
    except PolicyViolation as exc:
        say(repr(str(exc)))
"""
    assert run(run_py, code) == ["'network disabled: DNS(example.com)'"]


def test_violations_are_recorded_even_when_caught(probe):
    out = probe(
        """
        import socket
        import hermetic
        for host in ("example.com", "example.org"):
            try:
                socket.getaddrinfo(host, 80)
            except hermetic.PolicyViolation:
                pass
        first = [tuple(v) for v in hermetic.violations()]
        hermetic.clear_violations()
        return first, hermetic.violations()
        """,
        block_network=True,
    )
    line = "[hermetic] blocked socket.getaddrinfo host={} reason=no-network"
    out.assert_result(
        (
            [
                (
                    "network",
                    "example.com",
                    "network disabled: DNS(example.com)",
                    line.format("example.com"),
                    False,
                ),
                (
                    "network",
                    "example.org",
                    "network disabled: DNS(example.org)",
                    line.format("example.org"),
                    False,
                ),
            ],
            [],
        )
    )


def test_violation_record_is_bounded(probe):
    out = probe(
        """
        import os
        from hermetic import _core
        for _ in range(200):
            try:
                os.system("true")
            except PermissionError:
                pass
        count, recent = _core.violations()
        return count, len(recent)
        """,
        block_subprocess=True,
    )
    out.assert_result((200, 64))
