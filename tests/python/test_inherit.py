"""Python children of a guarded process inherit its policy (SPEC 6, 7 "Inheritance")."""

import importlib.util
from pathlib import Path

import pytest

# The child reports what a lookup did; it catches everything so its report
# does not depend on how an uncaught violation ends a child.
CHILD = """
import socket
try:
    socket.getaddrinfo("example.com", 80)
except BaseException as exc:
    print("CHILD", type(exc).__name__, getattr(exc, "guard", None), exc)
else:
    print("CHILD not blocked")
"""
EXPECTED = "CHILD NetworkViolation network network disabled: DNS(example.com)"


PY = "[sys.executable, '-c', CHILD]"
PY_ISOLATED = "[sys.executable, '-I', '-S', '-c', CHILD]"
SHELL = "f'{sys.executable} -c \"$CHILD_CODE\"'"


@pytest.mark.parametrize(
    ("command", "options"),
    [
        (PY, ""),
        (PY, "env={}"),
        (PY_ISOLATED, "env={}"),
        (SHELL, "shell=True, env={'CHILD_CODE': CHILD}"),
        (SHELL, "shell=True"),
        (PY, "env={'LD_PRELOAD': '', 'HERMETIC_FLAGS_JSON': '{\"version\": 1, \"stack\": []}'}"),
        (PY, "env={**os.environ, 'HERMETIC_FLAGS_JSON': 'garbage', 'LD_PRELOAD': '/x.so'}"),
    ],
    ids=[
        "inherited-env",
        "empty-env",
        "isolated-empty-env",
        "shell-with-env",
        "shell",
        "forged-env",
        "garbage-env",
    ],
)
def test_python_child_inherits_block_network(probe, command, options):
    body = f"return subprocess.run({command}, capture_output=True, text=True, {options}).stdout"
    setup = f"import os, subprocess, sys\nCHILD = {CHILD!r}"
    out = probe(body, setup=setup, env={"CHILD_CODE": CHILD}, block_network=True)
    assert out.raised is None, out.describe()
    assert EXPECTED in out.result, out.describe()


def test_python_child_through_os_popen(probe):
    body = "return os.popen(f'{sys.executable} -c \"$CHILD_CODE\"').read()"
    out = probe(body, setup="import os, sys", env={"CHILD_CODE": CHILD}, block_network=True)
    assert EXPECTED in str(out.result), out.describe()


def test_execve_with_empty_environment_still_guarded(run_py):
    """The process image is replaced: the new interpreter must hold the policy."""
    code = f"""
import os, sys
from hermetic import hermetic_blocker
with hermetic_blocker(block_network=True):
    os.execve(sys.executable, [sys.executable, "-c", {CHILD!r}], {{}})
"""
    proc = run_py(code)
    assert EXPECTED in proc.stdout, proc.stderr


def test_child_trace_line(probe):
    body = "return subprocess.run([sys.executable, '-c', CHILD], capture_output=True).stderr"
    setup = f"import subprocess, sys\nCHILD = {CHILD!r}"
    out = probe(body, setup=setup, block_network=True, trace=True)
    line = "[hermetic] blocked socket.getaddrinfo host=example.com reason=no-network"
    assert line in out.result, out.describe()


def test_multiprocessing_spawn_child_inherits(probe):
    body = """
    ctx = multiprocessing.get_context("spawn")
    p = ctx.Process(target=socket.getaddrinfo, args=("example.com", 80))
    p.start()
    p.join()
    return p.exitcode
    """
    out = probe(body, setup="import multiprocessing, socket", block_network=True)
    out.assert_result(1)
    assert "network disabled: DNS(example.com)" in out.stderr


def test_child_started_after_leaving_is_free(run_py):
    code = f"""
import subprocess, sys
from hermetic import hermetic_blocker
with hermetic_blocker(block_network=True):
    pass
subprocess.run([sys.executable, "-c", {CHILD!r}])
"""
    proc = run_py(code)
    assert "CHILD" in proc.stdout, proc.stderr
    assert "NetworkViolation" not in proc.stdout


def test_a_shim_named_through_a_link_elsewhere_still_guards(probe, tmp_path):
    """An LD_PRELOAD written by hand may name the shim through a link in
    another directory: the shim then finds the core (and the package, for
    an isolated child) beside the link's target, and children get that."""
    pkg = Path(importlib.util.find_spec("hermetic").origin).parent
    link = tmp_path / "elsewhere.so"
    link.symlink_to(pkg / "_hermetic_shim.so")
    report = CHILD + "import os, hermetic\nprint('PRELOAD', os.environ['LD_PRELOAD'])\n"
    body = f"""
env = {{**os.environ, 'LD_PRELOAD': {str(link)!r}}}
cmd = [sys.executable, '-I', '-S', '-c', {report!r}]
return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd={str(tmp_path)!r}).stdout
"""
    out = probe(body, setup="import os, subprocess, sys", block_network=True)
    assert out.raised is None, out.describe()
    assert EXPECTED in out.result, out.describe()
    assert f"PRELOAD {link}:{pkg / '_hermetic_shim.so'}" in out.result, out.describe()
