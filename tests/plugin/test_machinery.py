"""pytest's own machinery under the policies that would stop it (SPEC 10):
tmp_path and the cache writable, PYTEST_CURRENT_TEST kept up to date, for
the session policy (flags and profiles), the marker and the fixture alike.
Each session is a fresh pytest process."""

import pytest

MACHINERY = {
    "test_m.py": """
        import os

        def test_tmp_path(tmp_path, request):
            (tmp_path / "x").write_text("ok")
            request.config.cache.set("hermetic/x", 1)
            assert os.environ["PYTEST_CURRENT_TEST"].endswith("(call)")
    """
}


def assert_passed(session):
    assert session.proc.returncode == 0, session
    assert session.outcomes == {"test_tmp_path": "PASSED"}, session
    assert "blocked action" not in session.output, session


@pytest.mark.parametrize(
    "args",
    [
        ["--hermetic-no-environment"],
        ["--hermetic-allow-env", "FOO"],
        ["--hermetic-profile", "fs-readonly"],
        ["--hermetic-profile=fs-readonly", "--hermetic-no-environment", "-n", "1"],
        ["--hermetic-fs-root=."],
    ],
    ids=["no-environment", "allow-env", "profile-fs-readonly", "profile-xdist", "fs-root"],
)
def test_session_policy_keeps_pytest_working(run_session, args):
    assert_passed(run_session(MACHINERY, *args))


def test_custom_profile_gets_the_allowances(run_session):
    pyproject = """\
        [tool.hermetic.profiles.strict]
        fs_readonly = true
        block_environment = true
    """
    assert_passed(run_session(MACHINERY, "--hermetic-profile", "strict", pyproject=pyproject))


def test_environment_stays_read_only_but_for_pytest(run_session):
    files = {
        "test_e.py": """
            import os, pytest, hermetic

            def test_other_writes_refused():
                for name in ("FOO", "PATH", "PYTEST_XDIST_WORKER"):
                    with pytest.raises(hermetic.PolicyViolation):
                        os.environ[name] = "x"
        """
    }
    session = run_session(files, "--hermetic-no-environment", "--no-hermetic-strict")
    assert session.outcomes == {"test_other_writes_refused": "PASSED"}, session


@pytest.mark.parametrize("how", ["marker", "fixture"])
def test_marker_and_fixture_keep_tmp_path_writable(run_session, how):
    policy = "fs_readonly=True, block_environment=True"
    if how == "marker":
        test = f"@pytest.mark.hermetic({policy})\ndef test_tmp_path(tmp_path):\n"
    else:
        test = f"def test_tmp_path(tmp_path, hermetic_blocker):\n    hermetic_blocker({policy})\n"
    files = {
        "test_f.py": "import os, pytest, hermetic\n\n"
        + test
        + "    (tmp_path / 'x').write_text('ok')\n"
        + "    assert os.environ['PYTEST_CURRENT_TEST'].endswith('(call)')\n"
        + "    with pytest.raises(hermetic.PolicyViolation):\n"
        + "        open('outside', 'w')\n"
    }
    session = run_session(files, "--no-hermetic-strict")
    assert session.outcomes == {"test_tmp_path": "PASSED"}, session


INTERPRETER = {
    "test_i.py": """
        import sys
        import pytest

        @pytest.fixture
        def elsewhere(monkeypatch, tmp_path):  # fixtures run outside the call
            monkeypatch.chdir(tmp_path)
            monkeypatch.syspath_prepend(str(tmp_path))

        def test_ordinary(elsewhere):
            assert sum(range(4)) == 6

        def test_changes_sys_path():
            sys.path.append("/tmp")
            import colorsys  # the change is seen at the next import
    """
}


@pytest.mark.parametrize(
    "args",
    [["--hermetic-no-interpreter-mutation"], ["--hermetic-profile", "block-all"]],
    ids=["flag", "block-all"],
)
def test_interpreter_guard_holds_the_test_call_not_pytest(run_session, args):
    # pytest changes sys.path while collecting and the directory when it ends.
    session = run_session(INTERPRETER, *args)
    assert session.outcomes == {
        "test_ordinary": "PASSED",
        "test_changes_sys_path": "FAILED",
    }, session
    assert "InterpreterViolation" in session.output, session
    assert "Interrupted" not in session.output, session
