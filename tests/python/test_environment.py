"""The environment guard (SPEC 3 "Environment"), each case in a fresh interpreter."""

import pytest

NO_ENV = {"block_environment": True, "trace": True}
SECRET = {"HM_TEST_SECRET": "s3cr3t"}
SETUP = "import os, posix"


def read_line(name):
    return f"[hermetic] blocked environment read name={name} reason=no-environment"


def write_line(name):
    return f"[hermetic] blocked environment mutation name={name} reason=no-environment"


def test_item_read_is_a_violation_and_a_key_error(probe):
    out = probe("return os.environ['HM_TEST_SECRET']", setup=SETUP, env=SECRET, **NO_ENV)
    out.assert_blocked(
        "environment",
        "HM_TEST_SECRET",
        "environment disabled: HM_TEST_SECRET",
        cls="EnvironmentViolation",
    )
    assert "KeyError" in out.mro
    assert out.trace == [read_line("HM_TEST_SECRET")]


@pytest.mark.parametrize(
    "body",
    [
        "return os.environ.get('HM_TEST_SECRET', 'dflt')",
        "return os.getenv('HM_TEST_SECRET', 'dflt')",
        "return os.environb.get(b'HM_TEST_SECRET', 'dflt')",
    ],
)
def test_get_returns_the_default_and_traces(probe, body):
    out = probe(body, setup=SETUP, env=SECRET, **NO_ENV)
    out.assert_result("dflt")
    assert out.trace == [read_line("HM_TEST_SECRET")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("return 'HM_TEST_SECRET' in os.environ", False),
        ("return 'HM_TEST_SECRET' in dict(os.environ)", False),
        ("return any('SECRET' in k for k in os.environ)", False),
        ("return any(b'SECRET' in k for k in posix.environ)", False),
        ("return 's3cr3t' in repr(os.environ) or 's3cr3t' in str(os.environ.copy())", False),
        ("return os.environ.get('PATH') is not None and 'HOME' in os.environ", True),
    ],
)
def test_hidden_variables_are_not_seen(probe, body, expected):
    out = probe(body, setup=SETUP, env=SECRET, **NO_ENV)
    out.assert_result(expected)


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("os.environ['HOME'] = 'x'", "HOME"),
        ("os.environ['HM_NEW'] = 'x'", "HM_NEW"),
        ("del os.environ['HOME']", "HOME"),
        ("os.environ.pop('HOME')", "HOME"),
        ("os.environ.setdefault('PYTHON_HM_NEW', 'x')", "PYTHON_HM_NEW"),
        ("os.putenv('HM_NEW', 'x')", "HM_NEW"),
        ("os.unsetenv('HOME')", "HOME"),
        ("posix.putenv(b'HM_NEW', b'x')", "HM_NEW"),
        ("os.environb[b'HM_NEW'] = b'x'", "HM_NEW"),
    ],
)
def test_every_write_is_refused(probe, body, name):
    out = probe(body, setup=SETUP, **NO_ENV)
    out.assert_blocked(
        "environment", name, f"environment mutation disabled: {name}", cls="EnvironmentViolation"
    )
    assert out.trace == [write_line(name)]


def test_allow_env_keeps_a_variable_visible(probe):
    out = probe(
        "return os.environ['HM_TEST_SECRET'], os.getenv('HM_OTHER')",
        setup=SETUP,
        env={**SECRET, "HM_OTHER": "x"},
        allow_env=["HM_TEST_SECRET"],
        trace=True,
    )
    out.assert_result(("s3cr3t", None))
    assert out.trace == [read_line("HM_OTHER")]


def test_stacked_policies_intersect_allowances(probe):
    setup = SETUP + "\nfrom hermetic import hermetic_blocker"
    body = """
    with hermetic_blocker(allow_env=['HM_OTHER']):
        return os.getenv('HM_TEST_SECRET'), os.getenv('HM_OTHER')
    """
    out = probe(body, setup=setup, env={**SECRET, "HM_OTHER": "x"}, allow_env=["HM_TEST_SECRET"])
    out.assert_result((None, None))


def test_hidden_variables_come_back_when_the_blocker_leaves(run_py):
    code = """
import os, posix
from hermetic import hermetic_blocker
with hermetic_blocker(block_environment=True):
    inside = os.getenv('HM_TEST_SECRET')
print(inside, os.environ['HM_TEST_SECRET'], posix.environ[b'HM_TEST_SECRET'])
"""
    proc = run_py(code, env=SECRET)
    assert proc.stdout.split() == ["None", "s3cr3t", "b's3cr3t'"], proc.stderr


@pytest.mark.parametrize(
    "body",
    [
        "import tempfile; return bool(tempfile.gettempdir()) and bool(tempfile.mkdtemp())",
        "return os.path.expanduser('~') == os.environ['HOME']",
        "import locale; return bool(locale.getpreferredencoding()) and locale.setlocale(locale.LC_ALL, '') is not None",
        "import ssl; return ssl.create_default_context() is not None",
        "import getpass; return bool(getpass.getuser())",
        "import shutil; return shutil.get_terminal_size().columns > 0",
    ],
    ids=["tempfile", "expanduser", "locale", "ssl", "getpass", "terminal-size"],
)
def test_ordinary_things_keep_working(probe, body):
    out = probe(body, setup=SETUP, env={"USER": "someone"}, block_environment=True)
    out.assert_result(True)
