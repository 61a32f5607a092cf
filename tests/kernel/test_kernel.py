"""The kernel tier (`--kernel`, SPEC section 9): what native code and programs that
are not Python cannot get around.

Each case runs the launcher or a fresh interpreter; a case skips, saying which,
where the running kernel lacks the feature it needs.
"""

import ctypes
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PR_GET_SECCOMP = 21
HERMETIC = Path(sys.executable).parent / "hermetic"


def _landlock_abi():
    libc = ctypes.CDLL(None, use_errno=True)
    abi = libc.syscall(444, None, 0, 1)  # landlock_create_ruleset(VERSION)
    return max(abi, 0)


def _seccomp():
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0


LANDLOCK_ABI = _landlock_abi()
HAVE_SECCOMP = _seccomp()

needs_seccomp = pytest.mark.skipif(not HAVE_SECCOMP, reason="this kernel has no seccomp")
needs_landlock = pytest.mark.skipif(LANDLOCK_ABI < 3, reason="this kernel lacks Landlock ABI 3")


def _fs_guard_built():
    proc = subprocess.run(
        [str(HERMETIC), "--fs-readonly", "--", "true"],
        env={k: v for k, v in os.environ.items() if k != "HERMETIC_FLAGS_JSON"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    return "not available" not in proc.stderr


needs_fs_guard = pytest.mark.skipif(
    not _fs_guard_built(), reason="--fs-readonly is not available in this build yet"
)


def python(code):
    return [sys.executable, "-c", textwrap.dedent(code)]


CTYPES = """\
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def call(name, *args):
    rc = getattr(libc, name)(*args)
    print(name, rc, os.strerror(ctypes.get_errno()) if rc < 0 else "ok", flush=True)
"""


@needs_seccomp
def test_curl_cannot_reach_a_loopback_server(run_cli, http_port):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    if "libasan" in os.environ.get("LD_PRELOAD", ""):
        # Seen in the sanitizer job: curl hangs with the ASan runtime
        # preloaded, with or without hermetic.
        pytest.skip("curl hangs with the ASan runtime preloaded")
    url = f"http://127.0.0.1:{http_port}/"
    assert run_cli("--", "curl", "-sS", url).returncode == 0
    proc = run_cli("--kernel", "--no-network", "--", "curl", "-sS", url)
    assert proc.returncode != 0, proc.stdout
    assert "hello from loopback" not in proc.stdout


@needs_seccomp
def test_shell_cannot_start_a_process(run_cli):
    proc = run_cli("--kernel", "--no-subprocess", "--", "sh", "-c", "ls /")
    assert proc.returncode != 0
    assert "bin" not in proc.stdout.split()


@needs_landlock
@needs_fs_guard
def test_shell_cannot_write_a_file(run_cli, tmp_path):
    target = tmp_path / "file"
    target.write_text("before")
    proc = run_cli("--kernel", "--fs-readonly", "--", "sh", "-c", f"echo x > {target}")
    assert proc.returncode != 0
    assert target.read_text() == "before"


@needs_landlock
@needs_fs_guard
def test_shell_reads_only_under_root(run_cli, tmp_path):
    # The working directory is outside ROOT and must not become readable
    # (it once did, through a bad lookup of hermetic's own venv).
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "inside.txt").write_text("inside\n")
    (outside / "secret.txt").write_text("SECRET\n")
    script = f"cat {root}/inside.txt; cat secret.txt; cat {outside}/secret.txt"
    proc = run_cli("--kernel", f"--fs-readonly={root}", "--", "sh", "-c", script, cwd=outside)
    assert "inside" in proc.stdout, proc.stderr
    assert "SECRET" not in proc.stdout
    assert proc.stderr.count("Permission denied") == 2, proc.stderr


@needs_landlock
@needs_fs_guard
def test_ctypes_open_for_writing_fails(run_cli, tmp_path):
    target = tmp_path / "file"
    code = CTYPES + f"call('open', {str(target).encode()!r}, os.O_WRONLY | os.O_CREAT, 0o644)"
    proc = run_cli("--kernel", "--fs-readonly", "--", *python(code))
    assert "open -1" in proc.stdout, proc.stderr
    assert not target.exists()


@needs_landlock
@needs_seccomp
@needs_fs_guard
@pytest.mark.parametrize("flags", [[], ["--allow-write", "{w}"]], ids=["nowhere", "allow-write"])
def test_ctypes_truncation_fails(run_cli, tmp_path, flags):
    # Nowhere writable, seccomp refuses truncation; with a writable
    # directory, Landlock does (elsewhere than that directory).
    (tmp_path / "w").mkdir()
    target = tmp_path / "file"
    target.write_text("before")
    code = CTYPES + (
        f"call('open', {str(target).encode()!r}, os.O_RDONLY | os.O_TRUNC)\n"
        f"call('truncate', {str(target).encode()!r}, 0)\n"
    )
    flags = [f.format(w=tmp_path / "w") for f in flags]
    proc = run_cli("--kernel", "--fs-readonly", *flags, "--", *python(code))
    assert "open -1" in proc.stdout and "truncate -1" in proc.stdout, proc.stdout + proc.stderr
    assert target.read_text() == "before"


@needs_seccomp
def test_ctypes_socket_fails_at_the_kernel(run_cli):
    code = CTYPES + "call('socket', 2, 1, 0)\ncall('socket', 10, 2, 0)\ncall('socket', 1, 1, 0)"
    proc = run_cli("--kernel", "--no-network", "--", *python(code))
    assert "socket -1 Operation not permitted" in proc.stdout, proc.stderr
    assert proc.stdout.count("socket -1") == 2, proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("socket ") and "ok" in proc.stdout


@needs_seccomp
def test_ctypes_connect_to_loopback_fails(run_cli, echo_port):
    code = f"""\
import ctypes, os, socket, struct
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
addr = struct.pack("=H", socket.AF_INET) + struct.pack("!H", {echo_port})
addr += socket.inet_aton("127.0.0.1") + bytes(8)
rc = libc.connect(fd, addr, len(addr)) if fd >= 0 else -1
print("connect", rc, flush=True)
"""
    proc = run_cli("--kernel", "--no-network", "--", *python(code))
    assert "connect -1" in proc.stdout, proc.stdout + proc.stderr


@needs_seccomp
def test_ctypes_fork_and_execve_fail(run_cli):
    code = CTYPES + "call('fork')\ncall('execve', b'/bin/true', None, None)"
    proc = run_cli("--kernel", "--no-subprocess", "--", *python(code))
    assert "fork -1 Operation not permitted" in proc.stdout, proc.stderr
    assert "execve -1 Operation not permitted" in proc.stdout, proc.stderr


@needs_seccomp
def test_python_code_still_gets_policy_violations(run_cli):
    code = """\
import socket, subprocess
for action in (socket.socket, lambda: subprocess.run(["true"])):
    try:
        action()
    except Exception as exc:
        print(type(exc).__name__, exc)
"""
    proc = run_cli("--kernel", "--no-network", "--no-subprocess", "--", *python(code))
    lines = proc.stdout.splitlines()
    assert "network disabled: socket(AF_INET)" in lines[0], proc.stdout + proc.stderr
    assert "subprocess disabled" in lines[1], proc.stdout


@needs_seccomp
def test_threads_asyncio_and_multiprocessing_keep_working(run_cli, tmp_path):
    script = tmp_path / "work.py"
    script.write_text(
        textwrap.dedent(
            """\
            import asyncio, multiprocessing, threading

            def square(x):
                return x * x

            async def main():
                await asyncio.sleep(0)
                return "asyncio ok"

            if __name__ == "__main__":
                box = []
                t = threading.Thread(target=box.append, args=("thread ok",))
                t.start(); t.join()
                print(box[0])
                print(asyncio.run(main()))
                for method in ("spawn", "forkserver"):
                    with multiprocessing.get_context(method).Pool(2) as pool:
                        print(method, pool.map(square, [1, 2, 3]))
            """
        )
    )
    proc = run_cli("--kernel", "--no-network", "--", sys.executable, script)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:4] == [
        "thread ok",
        "asyncio ok",
        "spawn [1, 4, 9]",
        "forkserver [1, 4, 9]",
    ]


@needs_seccomp
def test_threads_under_no_subprocess(run_cli):
    code = """\
import threading
t = threading.Thread(target=print, args=("thread ok",))
t.start(); t.join()
"""
    proc = run_cli("--kernel", "--no-subprocess", "--", *python(code))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "thread ok\n"


@needs_seccomp
def test_applied_once_per_tree(run_cli):
    code = "sh -c 'grep Seccomp_filters /proc/self/status'"
    proc = run_cli("--kernel", "--no-network", "--", "sh", "-c", code)
    assert proc.stdout.split() == ["Seccomp_filters:", "1"], proc.stdout + proc.stderr


@needs_seccomp
def test_says_once_what_the_kernel_does_not_hold(run_cli):
    proc = run_cli("--kernel", "--allow-localhost", "--no-env", "--", "true")
    assert proc.returncode == 0
    notes = [ln for ln in proc.stderr.splitlines() if "does not hold" in ln]
    assert notes == [
        "hermetic: note: the kernel does not hold: --allow-localhost (loopback only), "
        "--no-environment"
    ]


def test_strict_refuses_what_it_cannot_hold(run_cli):
    proc = run_cli("--kernel=strict", "--allow-localhost", "--", "true")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("hermetic: --kernel=strict: "), proc.stderr
    assert lines[1].startswith("hint: "), proc.stderr
    if LANDLOCK_ABI and HAVE_SECCOMP:
        assert lines[0] == (
            "hermetic: --kernel=strict: the kernel cannot hold: --allow-localhost (loopback only)"
        )


def test_kernel_takes_only_strict(run_cli):
    proc = run_cli("--kernel=yes", "--", "true")
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == "hermetic: --kernel: invalid value: yes"


@needs_seccomp
def test_static_program_is_refused(run_cli, tmp_path):
    source = tmp_path / "s.c"
    source.write_text("int main(void) { return 0; }\n")
    exe = tmp_path / "s"
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None or subprocess.run([cc, "-static", "-o", exe, source]).returncode != 0:
        pytest.skip("no static C toolchain")
    proc = run_cli("--kernel", "--no-network", "--", exe)
    assert proc.returncode == 1
    assert "statically linked" in proc.stderr
    assert proc.stderr.splitlines()[1].startswith("hint: ")


def test_api_kernel_needs_sealed(run_py):
    code = """\
from hermetic import hermetic_blocker
try:
    hermetic_blocker(kernel=True, block_network=True)
except ValueError as exc:
    print(exc)
"""
    proc = run_py(code)
    assert proc.stdout.startswith("kernel: needs sealed=True"), proc.stdout + proc.stderr


def test_api_kernel_needs_one_thread(run_py):
    code = """\
import threading, time
threading.Thread(target=time.sleep, args=(5,), daemon=True).start()
from hermetic import hermetic_blocker
try:
    with hermetic_blocker(kernel=True, sealed=True, block_subprocess=True):
        pass
except ValueError as exc:
    print(exc)
"""
    proc = run_py(code)
    assert proc.stdout.startswith("kernel: the process has 2 threads"), proc.stdout


@needs_seccomp
def test_api_kernel_holds_native_code(run_py):
    code = """\
import ctypes, os
from hermetic import hermetic_blocker
with hermetic_blocker(kernel=True, sealed=True, block_subprocess=True):
    libc = ctypes.CDLL(None, use_errno=True)
    print(libc.fork(), os.strerror(ctypes.get_errno()))
"""
    proc = run_py(code)
    assert proc.stdout == "-1 Operation not permitted\n", proc.stdout + proc.stderr


def test_api_kernel_round_trips(run_py):
    code = """\
import json
from hermetic import _core
print(json.loads(_core.Policy(kernel="strict", sealed=True).to_json())["stack"][0]["kernel"])
"""
    assert run_py(code).stdout == "strict\n"


@pytest.mark.parametrize("flags", [["--no-network"], ["--kernel", "--no-network"]])
def test_an_ordinary_exception_is_reported_as_usual(run_cli, flags):
    # The excepthook once compared with a class that no violation had created yet.
    proc = run_cli(*flags, "--", sys.executable, "-c", "raise ValueError(3)")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines()[-1] == "ValueError: 3"
