"""The native guard (SPEC 3 "Native code"), each case in a fresh interpreter."""

import shutil
from pathlib import Path

import pytest

NATIVE = {"block_native": True, "trace": True}


def import_line(name):
    return f"[hermetic] blocked import name={name} reason=block-native"


def iface_line(api):
    return f"[hermetic] blocked native interface name={api} reason=block-native"


@pytest.fixture
def foreign_ext(tmp_path):
    """A copy of a stdlib extension module outside lib-dynload: a third-party one."""
    import _csv

    src = Path(_csv.__file__)
    shutil.copy(src, tmp_path / src.name)
    return tmp_path


@pytest.mark.parametrize(
    ("setup", "body", "name"),
    [
        ("", "import ctypes", "ctypes"),
        ("", "import _ctypes", "_ctypes"),
        ("", "import cffi", "cffi"),
        ("", "import _cffi_backend", "_cffi_backend"),
        ("import importlib", "importlib.import_module('ctypes.util')", "ctypes"),
        ("import ctypes", "import ctypes", "ctypes"),
    ],
)
def test_ffi_modules_are_refused_at_import(probe, setup, body, name):
    out = probe(body, setup=setup, **NATIVE)
    out.assert_blocked("native", name, f"native import blocked: {name}", cls="NativeViolation")
    assert "ImportError" in out.mro
    assert out.trace == [import_line(name)]


@pytest.mark.parametrize(
    ("body", "api"),
    [
        ("ctypes.CDLL('libc.so.6')", "ctypes.CDLL"),
        ("ctypes.cdll.LoadLibrary('libc.so.6')", "ctypes.CDLL"),
        ("ctypes.pythonapi.Py_GetVersion", "ctypes.dlsym"),
        ("libc.getpid", "ctypes.dlsym"),
    ],
)
def test_imported_ctypes_cannot_load_or_look_up(probe, body, api):
    out = probe(body, setup="import ctypes\nlibc = ctypes.CDLL('libc.so.6')", **NATIVE)
    out.assert_blocked("native", api, f"native interface blocked: {api}", cls="NativeViolation")
    assert out.trace == [iface_line(api)]


def test_third_party_extension_is_refused(probe, foreign_ext):
    setup = f"import sys; sys.path.insert(0, {str(foreign_ext)!r})"
    out = probe("import _csv", setup=setup, **NATIVE)
    out.assert_blocked("native", "_csv", "native import blocked: _csv", cls="NativeViolation")
    assert out.trace == ["[hermetic] blocked native import spec=_csv reason=block-native"]


def test_stdlib_extensions_keep_working(probe):
    body = """
    import datetime, decimal, json, sqlite3, hashlib, _csv, array, select, ssl
    return sqlite3.connect(':memory:').execute('select 1').fetchone()[0]
    """
    out = probe(body, **NATIVE)
    out.assert_result(1)
    assert out.trace == []


def test_ctypes_works_again_after_the_blocker(run_py):
    code = """
import ctypes
from hermetic import hermetic_blocker
with hermetic_blocker(block_native=True):
    pass
print(ctypes.CDLL('libc.so.6').getpid() > 0)
"""
    assert run_py(code).stdout.split() == ["True"]
