"""The interpreter mutation guard (SPEC 3 "Interpreter mutation"), each case fresh."""

import pytest

NO_MUT = {"block_interpreter_mutation": True, "trace": True}
SETUP = "import importlib, os, site, sys"


def mutation_line(name):
    return f"[hermetic] blocked interpreter mutation name={name} reason=no-interpreter-mutation"


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ("sys.path.append('/nowhere'); import xml.dom.minidom", "sys.path"),
        ("sys.path.insert(0, '/nowhere'); importlib.import_module('csv')", "sys.path"),
        ("sys.path = ['/nowhere']; import csv", "sys.path"),
        ("sys.path[:] = []; import csv", "sys.path"),
        ("site.addsitedir('/tmp')", "sys.path"),
        ("sys.meta_path.insert(0, object()); import csv", "sys.meta_path"),
        ("sys.meta_path = []; import csv", "sys.meta_path"),
        ("sys.path_hooks.append(len); import csv", "sys.path_hooks"),
        ("sys.path_importer_cache[sys.path[-1]] = object(); import csv",
         "sys.path_importer_cache"),
        ("sys.path_importer_cache = {}; import csv", "sys.path_importer_cache"),
        ("sys.path.append('/nowhere'); open(os.__file__).close()", "sys.path"),
        ("sys.path.append('/nowhere'); os.listdir('.')", "sys.path"),
    ],
)
def test_import_state_mutation_blocked(probe, body, what):
    out = probe(body, setup=SETUP, **NO_MUT)
    out.assert_blocked("interpreter", what, f"interpreter mutation disabled: {what}",
                       cls="InterpreterViolation")
    assert out.trace == [mutation_line(what)]


def test_mutation_is_undone(probe):
    body = """
p, m = list(sys.path), list(sys.meta_path)
try:
    sys.path.append('/nowhere'); sys.meta_path = []
    import csv
except RuntimeError:
    pass
import json
return sys.path == p and sys.meta_path == m
"""
    out = probe(body, setup=SETUP, **NO_MUT)
    out.assert_result(True)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ("os.chdir('/')", "/"),
        ("os.chdir(b'/')", "/"),
        ("os.fchdir(FD)", "FD"),
    ],
)
def test_chdir_blocked(probe, body, path):
    setup = SETUP + "\nFD = os.open('/', os.O_RDONLY)\nCWD = os.getcwd()"
    out = probe(body + "\nreturn os.getcwd() == CWD", setup=setup, **NO_MUT)
    out.assert_blocked("interpreter", "os.chdir", "interpreter mutation disabled: os.chdir",
                       cls="InterpreterViolation")
    assert len(out.trace) == 1
    assert out.trace[0].startswith("[hermetic] blocked os.chdir path=")
    assert out.trace[0].endswith(" reason=no-interpreter-mutation")
    if path != "FD":
        assert out.trace[0] == f"[hermetic] blocked os.chdir path={path} reason=no-interpreter-mutation"


def test_import_system_cache_updates_are_not_mutations(probe, tmp_path):
    """New path_importer_cache entries, invalidate_caches and fresh imports pass."""
    pkg = tmp_path / "p"
    pkg.mkdir()
    (pkg / "m.py").write_text("V = 1\n")
    setup = SETUP + f"\nsys.path.append({str(pkg)!r})"
    body = """
import json, decimal, email.mime.text, http.client, unittest
importlib.invalidate_caches()
import m
return m.V
"""
    out = probe(body, setup=setup, **NO_MUT)
    out.assert_result(1)
    assert out.trace == []


def test_changes_before_the_blocker_are_the_baseline(probe):
    setup = SETUP + "\nsys.path.append('/before')"
    out = probe("import csv; return sys.path[-1]", setup=setup, **NO_MUT)
    out.assert_result("/before")


def test_guard_leaves_with_the_blocker(run_py):
    code = """
import sys, os
from hermetic import hermetic_blocker
with hermetic_blocker(block_interpreter_mutation=True):
    pass
sys.path.append('/after'); import csv; os.chdir('/')
with hermetic_blocker(block_interpreter_mutation=True):
    import json
print(os.getcwd(), sys.path[-1])
"""
    proc = run_py(code)
    assert proc.stdout.split() == ["/", "/after"], proc.stderr
