"""Where a session's or a test's policy comes from: [tool.hermetic], ini
settings, options, the marker and the fixture; and what they cannot do."""

import pytest

SPAWN_AND_LOOKUP = {
    "test_x.py": """
        import socket, subprocess
        import pytest

        def test_spawn():
            subprocess.run(["true"], check=True)

        def test_lookup():
            try:
                socket.getaddrinfo("example.com", 80)
            except socket.gaierror:
                pass  # not blocked, only no DNS here
    """
}

CONFIG = """\
    [tool.pytest.ini_options]
    asyncio_default_fixture_loop_scope = "function"

    [tool.hermetic]
    block_network = true

    [tool.hermetic.profiles.ci]
    block_subprocess = true
"""


def test_pyproject_defaults_apply_to_the_session(run_session):
    session = run_session(SPAWN_AND_LOOKUP, pyproject=CONFIG)
    assert session.outcomes == {"test_spawn": "PASSED", "test_lookup": "FAILED"}, session


def test_custom_profile_adds_to_the_defaults(run_session):
    session = run_session(SPAWN_AND_LOOKUP, "--hermetic-profile", "ci", pyproject=CONFIG)
    assert session.outcomes == {"test_spawn": "FAILED", "test_lookup": "FAILED"}, session


def test_ini_settings(run_session):
    pyproject = """\
        [tool.pytest.ini_options]
        hermetic_block_subprocess = true
        hermetic_profile = "net-hermetic"
    """
    session = run_session(SPAWN_AND_LOOKUP, pyproject=pyproject)
    assert session.outcomes == {"test_spawn": "FAILED", "test_lookup": "FAILED"}, session


@pytest.mark.parametrize(
    "table, message",
    [
        (
            "[tool.hermetic]\nblok_network = true\n",
            "hermetic: pyproject.toml: [tool.hermetic] unknown key 'blok_network'",
        ),
        (
            "[tool.hermetic.profiles.ci]\nallow_ips = ['300.1.1.1']\n",
            "hermetic: pyproject.toml: [tool.hermetic.profiles.ci] allow_ips: invalid value",
        ),
    ],
    ids=["unknown key", "bad value"],
)
def test_bad_config_is_one_error_and_nothing_runs(run_session, table, message):
    session = run_session(SPAWN_AND_LOOKUP, pyproject=table)
    assert session.proc.returncode == 4, session
    assert message in session.proc.stderr, session
    assert session.outcomes == {}, session


def test_unknown_profile_option(run_session):
    session = run_session(SPAWN_AND_LOOKUP, "--hermetic-profile", "nope", pyproject=CONFIG)
    assert session.proc.returncode == 4, session
    assert "unknown profile 'nope' (profiles here: ci)" in session.proc.stderr, session


MARKED = {
    "test_marked.py": """
        import socket, subprocess
        import pytest

        @pytest.mark.hermetic(block_subprocess=True)
        def test_marked_spawn():
            subprocess.run(["true"], check=True)

        def test_next_test_is_not_marked():
            subprocess.run(["true"], check=True)

        @pytest.mark.hermetic(allow_domains=["example.com"])
        def test_marker_cannot_loosen():
            try:
                socket.getaddrinfo("example.com", 80)
            except socket.gaierror:
                pass  # allowed, but there may be no DNS here

        @pytest.mark.hermetic(block_subprocess=True, strict=False)
        def test_expected_violation():
            with pytest.raises(PermissionError):
                subprocess.run(["true"])

        @pytest.mark.hermetic("block_network")
        def test_bad_marker():
            pass
    """
}


@pytest.mark.parametrize("session_policy", [[], ["--hermetic-no-network"]], ids=["none", "net"])
def test_marker_only_tightens_and_does_not_leak(run_session, session_policy):
    session = run_session(MARKED, *session_policy)
    expected = {
        "test_marked_spawn": "FAILED",
        "test_next_test_is_not_marked": "PASSED",
        "test_expected_violation": "PASSED",
        "test_bad_marker": "ERROR",
        # Alone, the marker allows example.com; over the session it cannot.
        "test_marker_cannot_loosen": "FAILED" if session_policy else "PASSED",
    }
    assert session.outcomes == expected, session
    assert "hermetic marker: takes keyword arguments only" in session.output, session


def test_fixture_enters_and_always_leaves(run_session):
    files = {
        "test_fixture.py": """
            import subprocess
            import pytest
            from hermetic.errors import SubprocessViolation

            def test_blocked_in_body(hermetic_blocker):
                subprocess.run(["true"], check=True)  # before: allowed
                hermetic_blocker(block_subprocess=True)
                with pytest.raises(SubprocessViolation):
                    subprocess.run(["true"])

            def test_fails_inside(hermetic_blocker):
                hermetic_blocker(block_subprocess=True)
                assert False

            def test_after(hermetic_blocker):
                subprocess.run(["true"], check=True)
        """
    }
    session = run_session(files, "--no-hermetic-strict")
    assert session.outcomes == {
        "test_blocked_in_body": "PASSED",
        "test_fails_inside": "FAILED",
        "test_after": "PASSED",
    }, session


def test_import_fallback_is_not_a_strict_failure(run_session):
    from hermetic import _core

    try:
        _core.Policy(deny_imports=["json"])
    except ValueError:
        pytest.skip("the imports guard is not available in this version")
    files = {
        "test_fallback.py": """
            import pytest

            @pytest.mark.hermetic(deny_imports=["csv"])
            def test_fallback():
                try:
                    import csv
                except ImportError:
                    csv = None
                assert csv is None
        """
    }
    session = run_session(files)
    assert session.outcomes == {"test_fallback": "PASSED"}, session
