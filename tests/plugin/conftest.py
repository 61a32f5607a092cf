"""Fixtures for the plugin tests: real pytest sessions in a subprocess.

Each session runs in its own interpreter (the policy it enters is
process-wide), in a fresh directory with the files a test gives it, with
pytest-xdist and pytest-asyncio loaded through their entry points like
the plugin itself.
"""

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

TIMEOUT = 120
BIN_DIR = Path(sys.executable).parent

PYPROJECT = """\
[tool.pytest.ini_options]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
"""


def _env():
    drop = ("HERMETIC_FLAGS_JSON", "PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST")
    env = {k: v for k, v in os.environ.items() if k not in drop and "XDIST" not in k}
    env["PATH"] = f"{BIN_DIR}{os.pathsep}{env.get('PATH', '')}"
    return env


@dataclass
class Session:
    """What a pytest session printed, with each test's outcome."""

    proc: subprocess.CompletedProcess

    @property
    def output(self):
        return self.proc.stdout + self.proc.stderr

    @property
    def outcomes(self):
        """{test name: PASSED/FAILED/ERROR/SKIPPED} from the -rA summary."""
        found = re.findall(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL) \S*::(\w+)", self.output, re.M)
        return {name: outcome for outcome, name in found}

    def section(self, title):
        """The lines of the terminal summary's section called title."""
        match = re.search(rf"^=+ {title} =+\n(.*?)^=", self.output, re.M | re.S)
        return match.group(1) if match else ""

    def __repr__(self):
        return f"exit {self.proc.returncode}\n{self.output}"


@pytest.fixture
def run_session(tmp_path):
    """Writes files ({name: text}) into a fresh directory and runs pytest there."""

    def run(files, *args, pyproject=PYPROJECT):
        (tmp_path / "pyproject.toml").write_text(textwrap.dedent(pyproject))
        for name, text in files.items():
            (tmp_path / name).write_text(textwrap.dedent(text))
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-rA", *args],
            cwd=tmp_path,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        return Session(proc)

    return run
