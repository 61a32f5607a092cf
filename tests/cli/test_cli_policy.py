"""Policy flags, trace, seal and inheritance through the launcher (SPEC 2, 5, 7)."""

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Each line of PROBE prints what one action did, so one run shows the policy.
PROBE = """
import os, socket, sys
def attempt(name, fn):
    try:
        fn()
    except Exception as exc:
        print(name, type(exc).__name__, exc)
    else:
        print(name, "ok")
"""
LOOKUP = "attempt('lookup', lambda: socket.getaddrinfo('example.com', 80))"
BIND = "attempt('bind', lambda: socket.socket().bind(('0.0.0.0', 0)))"
PROC = "attempt('proc', lambda: os.system('true'))"
LOOPBACK = "attempt('loopback', lambda: socket.create_connection(('127.0.0.1', {port})).close())"

LOOKUP_BLOCKED = "lookup NetworkViolation network disabled: DNS(example.com)"
BIND_BLOCKED = "bind NetworkViolation network disabled: bind(0.0.0.0)"
PROC_BLOCKED = "proc SubprocessViolation subprocess disabled: os.system"
LOOPBACK_BLOCKED = "loopback NetworkViolation network disabled: connect(127.0.0.1)"


def actions(run_cli, flags, *lines, env=None):
    proc = run_cli(*flags, "--", "python", "-c", PROBE + "\n".join(lines), env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], ["bind ok", "proc ok", "loopback ok"]),
        (["--no-network"], [BIND_BLOCKED, "proc ok", LOOPBACK_BLOCKED]),
        (["--no-network", "--allow-localhost"], [BIND_BLOCKED, "proc ok", "loopback ok"]),
        (["--allow-localhost"], [BIND_BLOCKED, "proc ok", "loopback ok"]),
        (["--allow-ip", "127.0.0.0/8"], [BIND_BLOCKED, "proc ok", "loopback ok"]),
        (["--allow-ip", "10.0.0.0/8"], [BIND_BLOCKED, "proc ok", LOOPBACK_BLOCKED]),
        (["--no-subprocess"], ["bind ok", PROC_BLOCKED, "loopback ok"]),
        (["--profile", "net-hermetic"], [BIND_BLOCKED, "proc ok", "loopback ok"]),
        (["--profile", "exec-deny"], ["bind ok", PROC_BLOCKED, "loopback ok"]),
        (
            ["--profile", "net-hermetic", "--profile", "exec-deny"],
            [BIND_BLOCKED, PROC_BLOCKED, "loopback ok"],
        ),
        (["--no-network", "--no-subprocess"], [BIND_BLOCKED, PROC_BLOCKED, LOOPBACK_BLOCKED]),
    ],
    ids=lambda v: " ".join(v) if v and v[0].startswith("-") else None,
)
def test_flags(run_cli, echo_port, flags, expected):
    lines = (BIND, PROC, LOOPBACK.format(port=echo_port))
    assert actions(run_cli, flags, *lines) == expected


def test_lookup_blocked_with_every_network_flag(run_cli):
    for flags in (["--no-network"], ["--allow-localhost"], ["--allow-domain", "other.test"]):
        assert actions(run_cli, flags, LOOKUP) == [LOOKUP_BLOCKED], flags


def test_allow_domain(run_cli, loopback_name, echo_port):
    connect = (
        f"attempt('named', lambda: socket.create_connection(({loopback_name!r}, {echo_port})))"
    )
    lines = actions(run_cli, ["--allow-domain", loopback_name], connect, LOOKUP)
    assert lines == ["named ok", LOOKUP_BLOCKED]


def test_allowed_name_that_does_not_resolve_raises_socket_gaierror(run_cli):
    # The guard resolves a name given straight to connect; the failure must
    # be the program's own socket.gaierror (its _socket's state), not a
    # class from the guard's own load of _socket.
    code = (
        "import socket\n"
        "s = socket.socket()\n"
        "try:\n"
        "    s.connect(('hermetic-unresolvable.invalid', 80))\n"
        "except socket.gaierror:\n"
        "    print('socket.gaierror')\n"
    )
    proc = run_cli(
        "--no-network", "--allow-domain", "hermetic-unresolvable.invalid", "--", "python", "-c", code
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "socket.gaierror"


def test_allow_domain_repeatable(run_cli, loopback_name, echo_port):
    connect = (
        f"attempt('named', lambda: socket.create_connection(({loopback_name!r}, {echo_port})))"
    )
    flags = ["--allow-domain", "other.test", "--allow-domain", loopback_name]
    assert actions(run_cli, flags, connect) == ["named ok"]


def test_metadata_blocked_under_any_allowance(run_cli):
    connect = "attempt('md', lambda: socket.create_connection(('169.254.169.254', 80), timeout=2))"
    flags = ["--allow-ip", "0.0.0.0/0", "--allow-localhost", "--trace"]
    proc = run_cli(*flags, "--", "python", "-c", PROBE + connect)
    assert proc.stdout == (
        "md NetworkViolation network disabled: metadata endpoint 169.254.169.254\n"
    )
    assert proc.stderr == (
        "[hermetic] blocked socket.connect host=169.254.169.254 reason=metadata\n"
    )


def test_no_unix_sockets(run_cli, tmp_path):
    path = tmp_path / "s"
    bind = f"attempt('unix', lambda: socket.socket(socket.AF_UNIX).bind({str(path)!r}))"
    pair = "attempt('pair', socket.socketpair)"
    assert actions(run_cli, ["--no-network"], bind) == ["unix ok"]
    path.unlink()
    proc = run_cli("--no-unix-sockets", "--trace", "--", "python", "-c", f"{PROBE}{bind}\n{pair}")
    assert proc.stdout.splitlines() == [
        f"unix NetworkViolation network disabled: bind({path})",
        "pair ok",
    ]
    assert proc.stderr == f"[hermetic] blocked socket.bind path={path} reason=no-unix-sockets\n"


SEED_CLI = """
attempt('c', lambda: socket.socket().connect(('example.com', 80)))
attempt('g', lambda: socket.getaddrinfo('api.example.com', 443))
attempt('b', lambda: socket.socket().bind(('0.0.0.0', 8000)))
attempt('s', lambda: __import__('subprocess').run(['echo', 'SECRET-ARGV-1234']))
"""


def test_seed_trace_lines(run_cli):
    proc = run_cli(
        "--no-network", "--no-subprocess", "--trace", "--", "python", "-c", PROBE + SEED_CLI,
        env={"HM_SECRET_VALUE": "SECRET-ENV-5678"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "[hermetic] blocked socket.connect host=example.com reason=no-network",
        "[hermetic] blocked socket.getaddrinfo host=api.example.com reason=no-network",
        "[hermetic] blocked socket.bind host=0.0.0.0 reason=no-network",
        "[hermetic] blocked subprocess reason=no-subprocess",
    ]
    assert "SECRET" not in proc.stderr


def test_no_trace_without_the_flag(run_cli):
    proc = run_cli("--no-network", "--no-subprocess", "--", "python", "-c", PROBE + SEED_CLI)
    assert proc.returncode == 0
    assert proc.stderr == ""


def test_thousand_lookups_thousand_lines(run_cli):
    code = (
        PROBE + "for i in range(1000): attempt('', lambda: socket.getaddrinfo(f'h{i}.test', 80))"
    )
    proc = run_cli("--no-network", "--trace", "--", "python", "-c", code)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1000
    assert lines[-1] == "[hermetic] blocked socket.getaddrinfo host=h999.test reason=no-network"


def test_seal_makes_blockers_permanent(run_cli):
    code = (
        "from hermetic import hermetic_blocker\n"
        "with hermetic_blocker(block_subprocess=True):\n    pass\n" + PROC
    )
    assert actions(run_cli, ["--no-network"], code) == ["proc ok"]
    assert actions(run_cli, ["--no-network", "--seal"], code) == [PROC_BLOCKED]


def test_command_line_policy_is_a_floor(run_cli, echo_port):
    code = (
        "from hermetic import hermetic_blocker\n"
        "with hermetic_blocker(block_network=True, allow_localhost=True):\n"
        f"    {LOOPBACK.format(port=echo_port)}\n"
        f"{BIND}"
    )
    assert actions(run_cli, ["--no-network"], code) == [LOOPBACK_BLOCKED, BIND_BLOCKED]


def test_flags_json_in_the_target_environment(run_cli):
    code = "import os; print(os.environ['HERMETIC_FLAGS_JSON'])"
    proc = run_cli("--no-network", "--no-subprocess", "--", "python", "-c", code)
    assert proc.returncode == 0, proc.stderr
    flags = json.loads(proc.stdout)
    assert isinstance(flags, dict)
    assert "version" in flags
    assert "block_network" in proc.stdout
    assert "block_subprocess" in proc.stdout


@pytest.mark.parametrize(
    "tamper",
    [
        "os.environ.pop('HERMETIC_FLAGS_JSON', None); os.environ.pop('LD_PRELOAD', None)",
        "os.environ['HERMETIC_FLAGS_JSON'] = '{\"version\": 1, \"stack\": []}'",
        "os.environ['LD_PRELOAD'] = ''",
    ],
    ids=["removed", "forged", "preload-cleared"],
)
def test_flags_json_cannot_be_changed_by_the_target(run_cli, tamper):
    code = (
        f"import os, subprocess, sys\n{tamper}\n"
        "child = \"import socket; socket.getaddrinfo('example.com', 80)\"\n"
        "sys.exit(subprocess.run([sys.executable, '-c', child]).returncode)"
    )
    proc = run_cli("--no-network", "--", "python", "-c", code)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines()[-1] == (
        "hermetic: blocked action: network disabled: DNS(example.com)"
    )


def test_child_with_empty_environment_is_guarded(run_cli):
    code = (
        "import subprocess, sys\n"
        "child = \"import socket; socket.getaddrinfo('example.com', 80)\"\n"
        "sys.exit(subprocess.run([sys.executable, '-c', child], env={}).returncode)"
    )
    proc = run_cli("--no-network", "--", "python", "-c", code)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines()[-1] == (
        "hermetic: blocked action: network disabled: DNS(example.com)"
    )


def test_command_line_floor_survives_the_core_module(run_cli):
    code = (
        "import hermetic._core as core\n"
        "for i in range(-2, 200):\n"
        "    try:\n        core.remove(i)\n    except Exception:\n        pass\n" + BIND
    )
    assert actions(run_cli, ["--no-network"], code) == [BIND_BLOCKED]


def test_nested_hermetic_only_adds(run_cli, echo_port):
    inner = PROBE + "\n".join((BIND, PROC, LOOPBACK.format(port=echo_port)))
    code = (
        "import subprocess, sys\n"
        "flags = ['--allow-localhost', '--no-subprocess']\n"
        "argv = ['hermetic', *flags, '--', 'python', '-c', INNER]\n"
        "sys.exit(subprocess.run(argv).returncode)"
    ).replace("INNER", repr(inner))
    proc = run_cli("--no-network", "--", "python", "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [BIND_BLOCKED, PROC_BLOCKED, LOOPBACK_BLOCKED]


def test_pip_makes_no_network_request(run_cli, tmp_path):
    dest = tmp_path / "dl"
    proc = run_cli(
        "--no-network", "--trace", "--", "python", "-m", "pip", "download", "six",
        "--no-deps", "--no-cache-dir", "--retries", "0", "-d", dest,
    )  # fmt: skip
    pattern = re.compile(r"\[hermetic\] blocked socket\.getaddrinfo host=\S+ reason=no-network")
    assert any(pattern.fullmatch(line) for line in proc.stderr.splitlines()), proc.stderr


def test_misbehaving_example(run_cli):
    example = REPO / "examples" / "misbehaving.py"
    flags = ["--no-network", "--no-subprocess", "--trace"]
    proc = run_cli(*flags, "--", "python", example)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "lookup of pypi.org refused: network disabled: DNS(pypi.org)",
        "running echo refused: subprocess disabled: subprocess.Popen",
    ]
    assert proc.stderr.splitlines() == [
        "[hermetic] blocked socket.gethostbyname host=pypi.org reason=no-network",
        "[hermetic] blocked subprocess reason=no-subprocess",
    ]


def test_misbehaving_example_unguarded(run_cmd):
    """Without hermetic the example tries both for real (the lookup fails offline)."""
    proc = run_cmd("python", REPO / "examples" / "misbehaving.py")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "running echo: done"
    assert "hi" in proc.stdout.splitlines()
