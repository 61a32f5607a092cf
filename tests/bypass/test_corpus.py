"""The bypass corpus: one small attack program per file under corpus/.

Each program runs in a fresh process against the policy it tries to
defeat and prints BLOCKED when the guard held, ESCAPED when it did not.
Its header says how it is run:

    # attack: what it tries, in one line
    # flags: --no-network --seal          (the launcher's flags)
    # mode: api                           (run with plain python instead;
                                           the program enters its own blocker)
    # requires: <python expression>       (skip when false, with the reason)
    # limitation: <text>                  (a known bypass class: the README's
                                           Limitations section must name it,
                                           and the program must still escape,
                                           so the entry stays true)

In flags, {tmp} is a fresh directory holding root/ (with data.txt),
w/ (empty) and outside/secret.txt.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "corpus"
HERMETIC = Path(sys.executable).parent / "hermetic"
TIMEOUT = 60
README = Path(__file__).parents[2] / "README.md"
PROGRAMS = sorted(HERE.rglob("*.py"))


def header(path):
    fields = {}
    for line in path.read_text().splitlines():
        if not line.startswith("# "):
            break
        key, sep, value = line[2:].partition(":")
        if sep and key.strip().isidentifier():
            fields[key.strip()] = value.strip()
    return fields


def limitations_text():
    text = README.read_text()
    start = text.index("\n## Limitations")
    end = text.find("\n## ", start + 1)
    return " ".join(text[start:end].split())


def make_tmp(tmp_path):
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "data.txt").write_text("data\n")
    (tmp_path / "w").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("SECRET\n")


def child_env(tmp_path):
    """Ours, without an inherited policy, the venv first on PATH."""
    env = {k: v for k, v in os.environ.items() if k != "HERMETIC_FLAGS_JSON"}
    env["PATH"] = f"{HERMETIC.parent}{os.pathsep}{env.get('PATH', '')}"
    env["ATTACK_TMP"] = str(tmp_path)
    return env


def test_corpus_is_large_enough():
    assert len(PROGRAMS) >= 60, len(PROGRAMS)


def test_every_program_has_a_header():
    for path in PROGRAMS:
        fields = header(path)
        assert fields.get("attack"), path
        assert "flags" in fields or fields.get("mode") == "api", path


@pytest.mark.parametrize(
    "path", PROGRAMS, ids=[str(p.relative_to(HERE).with_suffix("")) for p in PROGRAMS]
)
def test_attack(path, tmp_path):
    fields = header(path)
    requires = fields.get("requires")
    if requires:
        scope = {"sys": sys, "os": os, "shutil": shutil, "importlib": importlib}
        if not eval(requires, scope):  # the corpus's own header, not user input
            pytest.skip(f"needs {requires}")
    make_tmp(tmp_path)
    flags = fields.get("flags", "").replace("{tmp}", str(tmp_path)).split()
    if fields.get("mode") == "api":
        argv = [sys.executable, str(path)]
    else:
        argv = [str(HERMETIC), *flags, "--", sys.executable, str(path)]
    proc = subprocess.run(
        argv,
        check=False,
        env=child_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    out = proc.stdout + proc.stderr
    limitation = fields.get("limitation")
    if limitation:
        assert " ".join(limitation.split()) in limitations_text(), limitation
        assert "ESCAPED" in out, "documented limitation no longer escapes:\n" + out
        return
    assert "ESCAPED" not in out, out
    assert "BLOCKED" in out, out
