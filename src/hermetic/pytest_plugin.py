"""The pytest plugin (SPEC section 10), registered as ``hermetic`` (pytest11).

- A session policy from ``[tool.hermetic]`` in pyproject.toml, the ini
  settings ``hermetic_*`` and the options ``--hermetic-*``, merged by union
  and entered in ``pytest_configure``, before collection.
- ``@pytest.mark.hermetic(**policy)`` pushes a policy over it for one test:
  the C stack lets an inner policy only tighten.
- The ``hermetic_blocker`` fixture enters policies inside a test body and
  leaves them at teardown.
- Strict mode (default on) fails a test during which a violation happened
  even if the code under test caught it; the summary lists violations.

Every decision stays in the C core; this module only decides when to push.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from hermetic import _config, _core, hermetic_blocker

SECTION = "hermetic violations"

# Guards whose violations are also ImportError: code that catches them is
# an import fallback (SPEC section 10), not a swallowed violation.
FALLBACK_GUARDS = frozenset({"imports", "native"})

# Fields that ask for the filesystem and environment guards: pytest's own
# temporary directories, cache and PYTEST_CURRENT_TEST must stay usable.
FS_FIELDS = ("fs_readonly", "fs_root", "allow_write")
ENV_FIELDS = ("block_environment", "allow_env")
# pytest's and xdist's own variables, which they read (and PYTEST_CURRENT_TEST,
# write) while the policy is active.
PYTEST_ENV = (
    "PYTEST_CURRENT_TEST",
    "PYTEST_VERSION",
    "PYTEST_XDIST_WORKER",
    "PYTEST_XDIST_WORKER_COUNT",
    "PYTEST_XDIST_TESTRUNUID",
    "PYTEST_DEBUG_TEMPROOT",
    "PY_IGNORE_IMPORTMISMATCH",
)


def _option(name: str, cli: str) -> str:
    """``--hermetic-`` and the launcher's option: --hermetic-no-network."""
    return "--hermetic-fs-root" if name == "fs_root" else "--hermetic-" + cli[2:]


def _session_fields() -> list[tuple[str, str, str]]:
    """The fields a session can set: not kernel, which needs a sealed, single-threaded
    process (use `hermetic --kernel -- pytest` instead)."""
    return [field for field in _core.FIELDS if field[2] != "level"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hermetic", "hermetic: capabilities switched off")
    group.addoption(
        "--hermetic-profile",
        action="append",
        default=[],
        metavar="NAME",
        help="profile for the whole session: built in or [tool.hermetic.profiles] (repeatable)",
    )
    parser.addini("hermetic_profile", "session profiles (built in or custom)", type="args")
    for name, cli, kind in _session_fields():
        dest, what = "hermetic_" + name, f"session policy: {name} (hermetic {cli})"
        if kind == "bool":
            group.addoption(_option(name, cli), action="store_true", dest=dest, help=what)
            parser.addini(dest, what, type="bool", default=False)
        elif kind == "list":
            group.addoption(_option(name, cli), action="append", dest=dest, default=[], help=what)
            parser.addini(dest, what, type="linelist")
        else:
            group.addoption(_option(name, cli), dest=dest, metavar="ROOT", help=what)
            parser.addini(dest, what, default="")
    group.addoption(
        "--hermetic-strict",
        action="store_const",
        const=True,
        dest="hermetic_strict",
        help="fail a test during which a violation happened, even if caught (default)",
    )
    group.addoption(
        "--no-hermetic-strict",
        action="store_const",
        const=False,
        dest="hermetic_strict",
        help="only report violations the code under test caught",
    )
    parser.addini("hermetic_strict", "fail tests that swallowed a violation", "bool", True)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Enters the session policy once the other plugins are configured."""
    config.addinivalue_line(
        "markers",
        "hermetic(**policy): a policy for this test, over the session's; "
        "strict=False allows violations the test expects",
    )
    session = HermeticSession(config)
    config.pluginmanager.register(session, "hermetic-session")
    session.start()


def _pyproject(config: pytest.Config) -> _config.Config:
    """[tool.hermetic] of the project's pyproject.toml, if it has one."""
    path = config.inipath
    if path is None or path.name != "pyproject.toml":
        path = config.rootpath / "pyproject.toml"
        if not path.is_file():
            return _config.Config("no pyproject.toml", {}, {})
    try:
        name = str(path.relative_to(config.invocation_params.dir))
    except ValueError:
        name = str(path)
    return _config.load(path, name)


def session_policy(config: pytest.Config) -> dict[str, Any]:
    """[tool.hermetic] | ini | options | profiles, by union; UsageError if bad."""
    try:
        profiles = [*config.getini("hermetic_profile"), *config.getoption("hermetic_profile")]
        policy = _pyproject(config).policy(profiles)
        for name, _cli, _kind in _session_fields():
            for value in (config.getini("hermetic_" + name), config.getoption("hermetic_" + name)):
                if value:
                    policy = _config.merge(policy, {name: value})
        _config.check(policy, "session policy:")
    except _config.ConfigError as exc:
        raise pytest.UsageError(f"hermetic: {exc.full()}") from None
    return policy


def _is_empty(policy: dict[str, Any]) -> bool:
    return not any(policy.values())


def _is_xdist_controller(config: pytest.Config) -> bool:
    """The controller only starts workers and reports; the workers run tests."""
    return config.pluginmanager.has_plugin("dsession")


class HermeticSession:
    """The plugin's state for one pytest process."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.policy = session_policy(config)
        strict = config.getoption("hermetic_strict")
        self.strict = config.getini("hermetic_strict") if strict is None else strict
        self.blocker: hermetic_blocker | None = None
        self.call_policy: dict[str, Any] = {}
        self.seen = 0  # the violation count already attributed
        self.summary: dict[str, list[str]] = {}

    def start(self) -> None:
        """Enters the session policy, unless this is the xdist controller."""
        active = _core.active()  # a policy from the command line (hermetic -- pytest)
        if active and any(p.get("block_environment") for p in json.loads(active)["stack"]):
            # basetemp now, before any test: finding it reads the user name
            # (LNAME, USERNAME), which would count against the first test
            self.config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
        if _is_empty(self.policy) or _is_xdist_controller(self.config):
            return
        policy = self._with_pytest_machinery(self.policy)
        fields = _expanded(policy)
        if fields.get("block_interpreter_mutation"):
            # pytest puts test directories on sys.path while it collects and
            # changes directory when it ends: the interpreter guard holds
            # during each test's call phase (pytest_runtest_call) instead.
            self.call_policy = {
                "block_interpreter_mutation": True,
                **{k: fields[k] for k in ("trace", "observe") if fields.get(k)},
            }
            policy = {k: v for k, v in fields.items() if k != "block_interpreter_mutation"}
        if not _is_empty(policy):
            self.blocker = hermetic_blocker(**policy)
            self.blocker.__enter__()

    def stop(self) -> None:
        """Leaves the session policy (a sealed one stays)."""
        if self.blocker is not None:
            self.blocker.__exit__(None, None, None)
            self.blocker = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self) -> None:
        """The tests are done: pytest's own clean-up of its temporary directories
        (it lists and removes older runs' directories beside basetemp) runs after
        this, outside the session policy."""
        self.stop()

    def pytest_unconfigure(self) -> None:
        self.stop()

    def _with_pytest_machinery(self, policy: dict[str, Any]) -> dict[str, Any]:
        """Allowances pytest itself needs under the guards that would stop it.

        Judged on the policy with its built-in profiles expanded by the core,
        so ``profile="fs-readonly"`` gets them as ``fs_readonly=True`` does.
        """
        extra: dict[str, Any] = {}
        fields = _expanded(policy)
        if any(fields.get(f) for f in FS_FIELDS):
            writable = [self.config._tmp_path_factory.getbasetemp()]  # type: ignore[attr-defined]
            cache = getattr(self.config, "cache", None)
            if cache is not None:
                writable.append(cache._cachedir)
            for path in writable:  # the guard resolves them, so they must exist
                if not os.path.isdir(path):  # (a refused mkdir would be recorded)
                    os.makedirs(path, exist_ok=True)
            extra["allow_write"] = [str(p) for p in writable]
            sys.dont_write_bytecode = True  # assertion rewriting's .pyc files
        if any(fields.get(f) for f in ENV_FIELDS):
            # basetemp now: finding it reads the user name (LNAME, USERNAME)
            self.config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
            # Visible, and PYTEST_CURRENT_TEST also writable: the core lets a
            # policy that names it in allow_env write it (hm_env_writable).
            extra["allow_env"] = list(PYTEST_ENV)
        return _config.merge(policy, extra)

    # --- violations -------------------------------------------------------

    def _take(self) -> tuple[list[tuple[str, str | None, str, str, bool]], int]:
        """The violations recorded since the last call, and how many of them
        the bounded record no longer holds."""
        count, recent = _core.violations()
        new, self.seen = count - self.seen, count
        if new <= 0:  # none, or the record was cleared
            return [], 0
        kept = recent[-new:]
        return kept, new - len(kept)

    def _attach(self, report: Any) -> list[tuple[str, str | None, str, str, bool]]:
        """Adds the new violations' trace lines to report; returns them."""
        kept, dropped = self._take()
        lines = [v[3] for v in kept]
        if dropped:
            lines.insert(0, f"... {dropped} earlier ones not kept")
        if lines:
            report.sections.append((SECTION, "\n".join(lines)))
        return kept

    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(self) -> Iterator[None]:
        self._take()
        outcome = yield
        self._attach(outcome.get_result())

    def pytest_runtest_logstart(self) -> None:
        self._take()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: Any) -> Iterator[None]:
        outcome = yield
        report = outcome.get_result()
        counted = [
            v[3] for v in self._attach(report) if v[0] not in FALLBACK_GUARDS and not v[4]
        ]
        if counted and report.passed and self._strict(item):
            report.outcome = "failed"
            report.longrepr = (
                f"hermetic: blocked during {call.when} and caught by the code under test "
                "(strict mode):\n" + "\n".join(counted)
            )

    def _strict(self, item: pytest.Item) -> bool:
        for mark in item.iter_markers("hermetic"):
            if "strict" in mark.kwargs:
                return bool(mark.kwargs["strict"])
        return bool(self.strict)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self) -> Iterator[None]:
        """The session's interpreter guard, around the test function only."""
        if not self.call_policy:
            yield
            return
        blocker = hermetic_blocker(**self.call_policy)
        blocker.__enter__()
        try:
            yield
        finally:
            blocker.__exit__(None, None, None)

    # --- the marker ---------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Enters the marker's policy before the test's fixtures are set up."""
        policy: dict[str, Any] = {}
        try:
            for mark in item.iter_markers("hermetic"):
                policy = _config.merge(policy, _marker_fields(mark))
            if policy:
                blocker = hermetic_blocker(**self._with_pytest_machinery(policy))
                blocker.__enter__()
                item.stash[MARKER_BLOCKER] = blocker
        except (_config.ConfigError, TypeError, ValueError) as exc:
            pytest.fail(f"hermetic marker: {exc}", pytrace=False)

    @pytest.hookimpl(hookwrapper=True, trylast=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Iterator[None]:
        yield
        blocker = item.stash.get(MARKER_BLOCKER, None)
        if blocker is not None:
            del item.stash[MARKER_BLOCKER]
            blocker.__exit__(None, None, None)

    # --- the summary ------------------------------------------------------

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._collect(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self._collect(report)

    def _collect(self, report: Any) -> None:
        for title, text in report.sections:
            if title == SECTION:
                self.summary.setdefault(report.nodeid, []).extend(text.splitlines())

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.summary:
            return
        terminalreporter.section(SECTION)
        for nodeid, lines in self.summary.items():
            terminalreporter.line(nodeid or "(collection)")
            for line in lines:
                terminalreporter.line("    " + line)


MARKER_BLOCKER = pytest.StashKey[hermetic_blocker]()


def _expanded(policy: dict[str, Any]) -> dict[str, Any]:
    """policy's fields with its built-in profiles merged in, as the core reads them."""
    try:
        return json.loads(_core.Policy(**policy).to_json())["stack"][0]
    except (TypeError, ValueError):  # the blocker reports it, naming the argument
        return policy


def _marker_fields(mark: pytest.Mark) -> dict[str, Any]:
    """The policy fields of one hermetic mark (strict= is the plugin's)."""
    if mark.args:
        raise TypeError("takes keyword arguments only")
    if mark.kwargs.get("sealed"):
        raise ValueError("sealed would outlive the test")
    return {k: v for k, v in mark.kwargs.items() if k != "strict"}


@pytest.fixture(name="hermetic_blocker")
def _hermetic_blocker_fixture(
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., hermetic_blocker]]:
    """Enters ``hermetic_blocker(**policy)`` now and leaves it at teardown.

    ``def test_x(hermetic_blocker): hermetic_blocker(block_network=True)``

    pytest's own allowances come with it, as with the marker: tmp_path and
    the cache stay writable, PYTEST_CURRENT_TEST visible and writable.
    """
    entered: list[hermetic_blocker] = []
    session = request.config.pluginmanager.get_plugin("hermetic-session")

    def enter(**policy: Any) -> hermetic_blocker:
        if session is not None:
            policy = session._with_pytest_machinery(policy)
        blocker = hermetic_blocker(**policy)
        blocker.__enter__()
        entered.append(blocker)
        return blocker

    yield enter
    while entered:
        entered.pop().__exit__(None, None, None)
