"""The import guard (SPEC 3 "Imports"), each case in a fresh interpreter."""

import pytest

DENY = {"deny_imports": ["json", "xml.dom"], "trace": True}


def line(name):
    return f"[hermetic] blocked import name={name} reason=deny-import"


@pytest.mark.parametrize(
    ("setup", "body", "name"),
    [
        ("", "import json", "json"),
        ("", "import json.decoder", "json.decoder"),
        ("", "from json import loads", "json"),
        ("", "__import__('json')", "json"),
        ("import importlib", "importlib.import_module('json')", "json"),
        ("import importlib", "importlib.import_module('json.decoder')", "json"),
        ("", "import xml.dom.minidom", "xml.dom.minidom"),
        ("import importlib", "importlib.import_module('xml.dom.minidom')", "xml.dom"),
    ],
)
@pytest.mark.parametrize("loaded", [False, True], ids=["not-loaded", "loaded"])
def test_denied_modules_are_refused(probe, setup, body, name, loaded):
    if loaded:
        setup += "\nimport json, json.decoder, xml.dom.minidom"
    out = probe(body, setup=setup, **DENY)
    out.assert_blocked("imports", name, f"import blocked: {name}", cls="ImportViolation")
    assert "ImportError" in out.mro
    assert out.trace == [line(name)]


def test_import_error_fallbacks_work(probe):
    body = """
    try:
        import json
    except ImportError:
        return 'fallback'
    """
    out = probe(body, deny_imports=["json"])
    out.assert_result("fallback")


@pytest.mark.parametrize(
    "body",
    [
        "import jsonschema_not_here",
        "import xml.etree.ElementTree",
        "import xml",
    ],
)
def test_only_dot_boundaries_match(probe, body):
    out = probe(body + "\nreturn 'ok'", **DENY)
    out.assert_not_blocked()


def test_modules_come_back_when_the_blocker_leaves(run_py):
    code = """
import sys, json
from hermetic import hermetic_blocker
with hermetic_blocker(deny_imports=['json']):
    inside = 'json' in sys.modules
import json as again
print(inside, again is json, 'json.decoder' in sys.modules)
"""
    proc = run_py(code)
    assert proc.stdout.split() == ["False", "True", "True"], proc.stderr


def test_ordinary_imports_keep_working(probe):
    body = "import collections, email.mime.text, urllib.parse, csv, decimal; return 'ok'"
    out = probe(body, deny_imports=["json"])
    out.assert_result("ok")
