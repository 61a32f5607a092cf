"""[tool.hermetic] in a pyproject.toml through the launcher (issue 5): read only
when asked, only adding to the command line's policy, one error when bad."""

import json
import textwrap

import pytest

CONFIG = """\
    [tool.hermetic]
    trace = true

    [tool.hermetic.profiles.ci]
    block_subprocess = true
    profile = "net-hermetic"

    [tool.hermetic.profiles.nested]
    profile = ["ci"]
    allow_ips = ["10.0.0.0/8"]
"""

SHOW = "import json, os; print(os.environ['HERMETIC_FLAGS_JSON'])"


def write(path, text):
    path.write_text(textwrap.dedent(text))
    return path


def stack_of(proc):
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["stack"]


def test_custom_profile_from_the_current_directory(run_cli, tmp_path):
    write(tmp_path / "pyproject.toml", CONFIG)
    (policy,) = stack_of(run_cli("--profile", "ci", "--", "python", "-c", SHOW, cwd=tmp_path))
    assert policy["block_subprocess"] and policy["block_network"], policy
    assert policy["allow_localhost"] and policy["trace"], policy


def test_nested_profiles_and_union_with_the_command_line(run_cli, tmp_path):
    write(tmp_path / "pyproject.toml", CONFIG)
    proc = run_cli(
        "--profile", "nested", "--allow-ip", "192.0.2.0/24", "--", "python", "-c", SHOW,
        cwd=tmp_path,
    )  # fmt: skip
    (policy,) = stack_of(proc)
    assert policy["allow_ips"] == ["192.0.2.0/24", "10.0.0.0/8"], policy
    assert policy["block_subprocess"] and policy["allow_localhost"], policy


def test_config_option_adds_the_defaults(run_cli, tmp_path):
    config = write(tmp_path / "hermetic.toml", CONFIG)
    (policy,) = stack_of(run_cli("--no-network", "--config", config, "--", "python", "-c", SHOW))
    assert policy["block_network"] and policy["trace"], policy
    assert not policy["block_subprocess"], policy


def test_the_file_is_not_read_unless_asked(run_cli, tmp_path):
    write(tmp_path / "pyproject.toml", "not toml [[[\n[tool.hermetic]\nblock_subprocess = 1\n")
    proc = run_cli("--profile", "net-hermetic", "--", "python", "-c", SHOW, cwd=tmp_path)
    (policy,) = stack_of(proc)
    assert policy["allow_localhost"] and not policy["block_subprocess"], policy


def test_config_blocks_for_real(run_cli, tmp_path):
    write(tmp_path / "pyproject.toml", CONFIG)
    proc = run_cli(
        "--profile", "ci", "--", "python", "-c", "import os; os.system('true')", cwd=tmp_path
    )
    assert proc.returncode == 2, proc.stderr
    assert "[hermetic] blocked subprocess reason=no-subprocess" in proc.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.hermetic]\nblok_network = true\n", "[tool.hermetic] unknown key 'blok_network'"),
        (
            "[tool.hermetic.profiles.ci]\nallow_ips = ['300.1.1.1']\n",
            "[tool.hermetic.profiles.ci] allow_ips: invalid value: '300.1.1.1'",
        ),
        ("[tool.hermetic]\nblock_network = 'yes'\n", "[tool.hermetic] block_network must be"),
        ("[tool.hermetic]\nblock_network = \n", "invalid TOML: Invalid value (at line 2"),
        ("[tool.hermetic.profiles.a]\nprofile = 'a'\n", "[tool.hermetic.profiles.a] includes"),
        ("[tool.hermetic.profiles.net-hermetic]\n", "[tool.hermetic.profiles.net-hermetic] is a"),
        ("[tool.hermetic]\nprofile = 'nope'\n", "unknown profile 'nope'"),
    ],
    ids=["unknown key", "bad value", "bad type", "bad toml", "cycle", "built-in", "profile"],
)
def test_bad_file_is_one_error_and_nothing_runs(run_cli, tmp_path, text, message):
    write(tmp_path / "pyproject.toml", text)
    ran = tmp_path / "ran"
    target = ["python", "-c", f"open({str(ran)!r}, 'w').close()"]
    proc = run_cli("--config", "pyproject.toml", "--", *target, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith(f"hermetic: pyproject.toml: {message}"), proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) <= 2 and all(line.startswith("hint: ") for line in lines[1:]), proc.stderr
    assert not ran.exists()


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        (
            "[tool.hermetic]\nblok_network = true\n",
            [
                "hermetic: f.toml: [tool.hermetic] unknown key 'blok_network'",
                "hint: did you mean 'block_network'?",
            ],
        ),
        (
            "[tool.hermetic]\nblock_network = 'yes'\n",
            [
                "hermetic: f.toml: [tool.hermetic] block_network must be true or false, "
                "not a string",
                "hint: write block_network = true",
            ],
        ),
        (
            "[tool.hermetic.profiles.x]\ndeny_imports = 'json'\n",
            [
                "hermetic: f.toml: [tool.hermetic.profiles.x] deny_imports must be an array of "
                "strings, not a single string",
                'hint: write deny_imports = ["..."], an array of strings',
            ],
        ),
        (
            "[project]\nname = 'x'\n",
            [
                "hermetic: f.toml: no [tool.hermetic] section",
                "hint: add [tool.hermetic] to the file, or name another file",
            ],
        ),
    ],
    ids=["unknown key", "bool", "list", "no section"],
)
def test_config_errors_speak_toml_and_hint(run_cli, tmp_path, text, lines):
    write(tmp_path / "f.toml", text)
    proc = run_cli("--config", "f.toml", "--", "python", "-c", "print('ran')", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == lines
    assert proc.stdout == ""


def built_profiles():
    """The built-in profiles this build runs: the ones hints and --help offer."""
    from hermetic import _core

    names = []
    for name in _core.PROFILES:
        try:
            _core.Policy(profile=name)
        except ValueError:
            continue
        names.append(name)
    return names


def test_unknown_profile_without_a_file(run_cli, tmp_path):
    proc = run_cli("--profile", "ci", "--", "python", "-c", "pass", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == [
        "hermetic: --profile: unknown profile: ci",
        f"hint: profiles: {', '.join(built_profiles())}; "
        "others come from [tool.hermetic.profiles] in ./pyproject.toml or --config FILE",
    ]


def test_unknown_profile_in_the_file(run_cli, tmp_path):
    write(tmp_path / "pyproject.toml", CONFIG)
    proc = run_cli("--profile", "nope", "--", "python", "-c", "pass", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == [
        "hermetic: pyproject.toml: unknown profile 'nope' (profiles here: ci, nested)",
        f"hint: built-in profiles: {', '.join(built_profiles())}; "
        "custom ones are [tool.hermetic.profiles.NAME] tables",
    ]


def test_missing_config_file(run_cli, tmp_path):
    proc = run_cli("--config", tmp_path / "none.toml", "--", "python", "-c", "pass")
    assert proc.returncode == 1, proc.stderr
    assert (
        proc.stderr == f"hermetic: {tmp_path}/none.toml: cannot read: No such file or directory\n"
    )
