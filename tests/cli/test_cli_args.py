"""The launcher's own interface: help, version, errors and exit statuses (SPEC 7)."""

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

HERMETIC = Path(sys.executable).parent / "hermetic"

NET = "import socket; socket.getaddrinfo('example.com', 80)"
FINAL = "hermetic: blocked action: network disabled: DNS(example.com)"


def assert_hermetic_error(proc):
    """Exit 1, one `hermetic: what: why` line and at most one `hint:` line."""
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    assert 1 <= len(lines) <= 2, proc.stderr
    assert lines[0].startswith("hermetic: "), proc.stderr
    if len(lines) == 2:
        assert lines[1].startswith(("hint:", "hermetic: hint:")), proc.stderr


@pytest.fixture
def marker(tmp_path):
    """A target that proves it ran by creating a file."""
    path = tmp_path / "ran"
    return path, ["python", "-c", f"open({str(path)!r}, 'w').close()"]


@pytest.mark.parametrize("argv", [(), ("-h",), ("--help",)])
def test_help(run_cli, argv):
    proc = run_cli(*argv)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    for word in ("--no-network", "--no-subprocess", "--trace", "--"):
        assert word in proc.stdout
    assert "limitation" in proc.stdout.lower()


def test_version(run_cli):
    proc = run_cli("--version")
    assert proc.returncode == 0, proc.stderr
    assert any(ch.isdigit() for ch in proc.stdout)


@pytest.mark.parametrize(
    "flags",
    [
        ["--frobnicate", "--"],
        ["--no-network"],
        ["--profile", "nope", "--"],
        ["--profile"],
        ["--allow-ip", "300.1.1.1", "--"],
        ["--allow-ip", "not-an-ip", "--"],
        ["--allow-ip", "10.0.0.0/33", "--"],
        ["--allow-domain", "bad domain", "--"],
        ["--allow-domain", "", "--"],
        ["--no-network=yes", "--"],
    ],
    ids=lambda flags: " ".join(flags) or "none",
)
def test_bad_command_line(run_cli, marker, flags):
    path, target = marker
    proc = run_cli(*flags, *target)
    assert_hermetic_error(proc)
    assert proc.stdout == ""
    assert not path.exists()


@pytest.mark.parametrize(
    ("flags", "line", "hint"),
    [
        (
            ["--allow-ip", "10.0.0.0/33"],
            "hermetic: --allow-ip: invalid value: 10.0.0.0/33: not an address or a CIDR range",
            "hint: give an address or a range such as 10.0.0.0/8 or fd00::/8",
        ),
        (
            ["--allow-domain", "*.example.com"],
            "hermetic: --allow-domain: invalid value: *.example.com: not a host name",
            "hint: give a name such as example.com: it allows the names under it too "
            "(no wildcard, scheme, port or path)",
        ),
        (
            ["--deny-import", "1x"],
            "hermetic: --deny-import: invalid value: 1x: not a module name",
            "hint: give a dotted module name such as json or xml.dom",
        ),
        (
            ["--fs-readonly=/etc/hostname"],
            "hermetic: --fs-readonly: cannot resolve /etc/hostname: Not a directory",
            "hint: give a directory that exists before hermetic starts",
        ),
    ],
    ids=["cidr", "domain", "module", "root-is-a-file"],
)
def test_bad_value_says_why(run_cli, marker, flags, line, hint):
    path, target = marker
    proc = run_cli(*flags, "--", *target)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [line, hint]
    assert not path.exists()


def test_error_quoting_a_newline_stays_one_line(run_cli, marker):
    path, target = marker
    proc = run_cli("--frob\n[hermetic] blocked forged", "--", *target)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("hermetic: unknown option: --frob?[hermetic]"), lines
    assert [line for line in lines if line.startswith("[hermetic]")] == [], lines
    assert not path.exists()


def test_profile_needing_an_unbuilt_guard_is_named(run_cli, marker):
    from hermetic import _core

    try:
        _core.Policy(profile="block-all")
        pytest.skip("every guard of block-all is built")
    except ValueError:
        pass
    path, target = marker
    proc = run_cli("--profile", "block-all", "--", *target)
    lines = proc.stderr.splitlines()
    assert proc.returncode == 1, proc.stderr
    assert lines[0] == (
        "hermetic: --profile block-all: needs --no-code-exec, which is not available in this "
        "version"
    )
    assert lines[1].startswith("hint: the profiles of this version: net-hermetic")
    assert "block-all" not in lines[1]
    assert not path.exists()


def test_help_offers_only_profiles_that_run(run_cli):
    from hermetic import _core

    out = run_cli("--help").stdout
    offered = out[out.index("--profile NAME") : out.index("--config FILE")]
    for name in _core.PROFILES:
        try:
            _core.Policy(profile=name)
            assert name in offered, out
        except ValueError:
            assert name not in offered, out


def test_stray_word_after_fs_readonly_suggests_the_root_form(run_cli, marker):
    path, target = marker
    proc = run_cli("--fs-readonly", "root", "--", *target)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == [
        "hermetic: missing '--' before the target: root",
        "hint: to read only under root, write --fs-readonly=root; and put '--' before the target",
    ]
    assert not path.exists()


def _damage_truncate(data):
    return data[: len(data) // 2]


def _damage_not_elf(data):
    return b"#!/bin/sh\n" + data


def _damage_machine(data):
    # e_machine (bytes 18-19): EM_AARCH64 on x86-64, EM_X86_64 elsewhere.
    machine = 183 if data[18:20] != (183).to_bytes(2, "little") else 62
    return data[:18] + machine.to_bytes(2, "little") + data[20:]


def copy_install(bin_dir):
    """The launcher with the shim and the core beside it, in bin_dir: a
    layout it finds its guard in."""
    pkg = Path(importlib.util.find_spec("hermetic").origin).parent
    core = "_core" + sysconfig.get_config_var("EXT_SUFFIX")
    bin_dir.mkdir(parents=True)
    shutil.copy2(HERMETIC, bin_dir / "hermetic")
    for name in (core, "_hermetic_shim.so"):
        shutil.copy2(pkg / name, bin_dir / name)
    return bin_dir


@pytest.mark.parametrize(
    "damage, why",
    [
        (_damage_truncate, "truncated"),
        (_damage_not_elf, "not an ELF file"),
        (_damage_machine, "built for another architecture"),
    ],
    ids=["truncated", "not-elf", "other-machine"],
)
def test_a_shim_that_cannot_load_stops_the_run(run_cmd, marker, tmp_path, damage, why):
    """ld.so would skip a preload entry it cannot map and run the target
    unguarded: the launcher checks the shim first and refuses."""
    bin_dir = copy_install(tmp_path / "bin")
    shim = bin_dir / "_hermetic_shim.so"
    shim.write_bytes(damage(shim.read_bytes()))
    path, target = marker
    proc = run_cmd(bin_dir / "hermetic", "--no-network", "--", sys.executable, *target[1:])
    assert_hermetic_error(proc)
    assert proc.stderr.splitlines() == [
        f"hermetic: cannot load {shim}: {why}",
        "hint: reinstall hermetic",
    ]
    assert not path.exists()


def test_an_intact_copy_of_the_install_guards(run_cmd, tmp_path):
    """The same layout with the shim intact: the check passes a real
    library, and the copy's shim and core guard the target."""
    bin_dir = copy_install(tmp_path / "bin")
    proc = run_cmd(bin_dir / "hermetic", "--no-network", "--", sys.executable, "-c", NET)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == FINAL + "\n"


def test_target_not_found(run_cli, tmp_path):
    proc = run_cli("--no-network", "--", str(tmp_path / "no-such-program"))
    assert proc.returncode == 127, proc.stderr
    assert proc.stderr.startswith("hermetic: ")


def test_target_not_executable(run_cli, tmp_path):
    tool = tmp_path / "tool.sh"
    tool.write_text("#!/bin/sh\necho ran\n")
    tool.chmod(0o644)
    proc = run_cli("--no-network", "--", str(tool))
    assert proc.returncode == 126, proc.stderr
    assert proc.stderr.startswith("hermetic: ")
    assert "ran" not in proc.stdout


@pytest.mark.parametrize("status", [0, 1, 3, 42, 255])
def test_exit_status_passes_through(run_cli, status):
    proc = run_cli("--no-network", "--", "python", "-c", f"raise SystemExit({status})")
    assert proc.returncode == status, proc.stderr


def test_stdin_and_stdout_pass_through(run_cli):
    code = "import sys; sys.stdout.write(sys.stdin.read().upper()); sys.stderr.write('err')"
    proc = run_cli("--no-network", "--", "python", "-c", code, input="hello\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "HELLO\n"
    assert proc.stderr == "err"


def test_arguments_after_the_separator_are_untouched(run_cli):
    code = "import sys; print(sys.argv[1:])"
    args = ["--no-network", "--", "--help", "-h", "", "a b"]
    proc = run_cli("--no-subprocess", "--", "python", "-c", code, *args)
    assert proc.stdout == f"{args}\n", proc.stderr


def test_target_replaces_the_launcher(spawn_cli):
    """exec, not fork: the pid the caller holds is the target's, and signals reach it."""
    code = (
        "import os, signal; print(os.getpid(), flush=True); os.kill(os.getpid(), signal.SIGTERM)"
    )
    proc = spawn_cli("--no-network", "--", "python", "-c", code, stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate(timeout=30)
    assert int(out) == proc.pid
    assert proc.returncode == -signal.SIGTERM


def test_violation_reaching_the_top(run_cli):
    proc = run_cli("--no-network", "--", "python", "-c", NET)
    assert proc.returncode == 2
    assert proc.stderr == FINAL + "\n"
    assert proc.stdout == ""


def test_violation_reaching_the_top_with_trace(run_cli):
    proc = run_cli("--no-network", "--trace", "--", "python", "-c", NET)
    lines = proc.stderr.splitlines()
    assert proc.returncode == 2
    assert lines[0] == "[hermetic] blocked socket.getaddrinfo host=example.com reason=no-network"
    assert "Traceback (most recent call last):" in lines
    assert any("NetworkViolation" in line for line in lines)
    assert lines[-1] == FINAL


def test_subprocess_violation_reaching_the_top(run_cli):
    proc = run_cli("--no-subprocess", "--", "python", "-c", "import os; os.system('true')")
    assert proc.returncode == 2
    assert proc.stderr == "hermetic: blocked action: subprocess disabled: os.system\n"


def test_program_that_catches_reports_its_own_way(run_cli):
    code = f"try:\n    {NET}\nexcept Exception as exc:\n    print('caught', exc)"
    proc = run_cli("--no-network", "--trace", "--", "python", "-c", code)
    assert proc.returncode == 0
    assert proc.stdout == "caught network disabled: DNS(example.com)\n"
    assert proc.stderr == (
        "[hermetic] blocked socket.getaddrinfo host=example.com reason=no-network\n"
    )


def test_python_dash_m_hermetic(run_cmd):
    base = [sys.executable, "-m", "hermetic"]
    help_ = run_cmd(*base, "--help")
    assert help_.returncode == 0
    assert "--no-network" in help_.stdout
    proc = run_cmd(*base, "--no-network", "--", "python", "-c", NET)
    assert proc.returncode == 2
    assert proc.stderr == FINAL + "\n"
    assert_hermetic_error(run_cmd(*base, "--nope", "--", "true"))


@pytest.mark.parametrize("flags", [["--observe"], ["--observe", "--trace-format=json"]])
def test_observe_with_no_guard_is_refused(run_cli, marker, flags):
    """It would report nothing and call the run clean: refused instead."""
    path, target = marker
    proc = run_cli(*flags, "--", *target)
    assert_hermetic_error(proc)
    assert proc.stderr.splitlines() == [
        "hermetic: --observe: no guard to observe",
        "hint: add the policy to try, as in hermetic --observe --no-network -- TARGET",
    ]
    assert not path.exists()


@pytest.mark.parametrize("name", ["my projects", "c:d", "x$LIB"])
def test_an_install_path_ld_so_would_split_stops_the_run(run_cmd, marker, tmp_path, name):
    """ld.so splits LD_PRELOAD on spaces and colons and expands $LIB and
    the like: it would skip the shim, and the target would run unguarded,
    so it does not run."""
    bin_dir = copy_install(tmp_path / name / "bin")
    path, target = marker
    proc = run_cmd(bin_dir / "hermetic", "--no-network", "--", sys.executable, *target[1:])
    assert_hermetic_error(proc)
    assert proc.stderr.splitlines() == [
        f"hermetic: cannot preload {bin_dir / '_hermetic_shim.so'}: LD_PRELOAD "
        "cannot hold a path with a space, ':' or '$'",
        "hint: install hermetic where the path has none of them",
    ]
    assert not path.exists()


def test_an_audit_library_in_the_environment_stops_the_run(run_cli, marker, tmp_path):
    """An LD_AUDIT library can refuse ld.so the shim."""
    path, target = marker
    proc = run_cli("--no-network", "--", *target, env={"LD_AUDIT": str(tmp_path / "audit.so")})
    # A dynamically linked launcher (sanitizer builds) hears from ld.so first.
    proc.stderr = "".join(
        line for line in proc.stderr.splitlines(keepends=True) if not line.startswith("ERROR: ld.so:")
    )
    assert_hermetic_error(proc)
    assert proc.stderr.splitlines() == [
        "hermetic: LD_AUDIT is set: an audit library can keep ld.so from loading the guard",
        "hint: unset LD_AUDIT",
    ]
    assert not path.exists()


def test_effective_ids_not_the_real_ones_stop_the_run(run_cmd, marker):
    """ld.so runs the target in secure mode then, and ignores LD_PRELOAD."""
    if os.geteuid() != 0:
        pytest.skip("needs root to change ids")
    path, target = marker
    argv = [str(HERMETIC), "--no-network", "--", sys.executable, *target[1:]]
    proc = run_cmd(sys.executable, "-c", f"import os; os.setegid(1); os.execv({argv[0]!r}, {argv!r})")
    assert_hermetic_error(proc)
    assert proc.stderr.splitlines() == [
        "hermetic: cannot guard a target started with an effective user or group other "
        "than the real one: ld.so ignores LD_PRELOAD then",
        "hint: run hermetic with the same real and effective ids",
    ]
    assert not path.exists()


def test_a_target_with_file_capabilities_stops_a_run_by_another_user(run_cmd, open_dir, fcap_python):
    """Run by a user other than root, exec runs such a file in secure mode,
    where ld.so ignores LD_PRELOAD: the target, or a script's #!
    interpreter, is refused."""
    base, exe = open_dir, fcap_python
    bin_dir = copy_install(base / "bin")
    script = base / "script"
    script.write_text(f"#!{exe}\nprint('RAN')\n")
    script.chmod(0o755)
    for target in ([exe, "-c", "print('RAN')"], [script]):
        argv = [str(bin_dir / "hermetic"), "--no-network", "--", *map(str, target)]
        drop = f"import os; os.setgid(65534); os.setuid(65534); os.execv({argv[0]!r}, {argv!r})"
        proc = run_cmd(sys.executable, "-c", drop, cwd=base)
        assert_hermetic_error(proc)
        assert proc.stderr.splitlines() == [
            f"hermetic: {exe} has file capabilities: exec runs it in secure mode for a user "
            "other than root, where ld.so ignores LD_PRELOAD",
            "hint: remove the file's capabilities (setcap -r FILE), or run hermetic as root",
        ]
        assert "RAN" not in proc.stdout
