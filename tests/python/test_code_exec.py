"""The dynamic code guard through the API (SPEC section 3, "Dynamic code").

Each case runs in a fresh interpreter (see conftest.probe).
"""

import sys

import pytest


def trace_lines(text):
    return [line for line in text.splitlines() if line.startswith("[hermetic]")]


POLICY = {"block_code_exec": True, "trace": True}

BLOCKED = [
    ("eval", 'eval("1 + 1")', "eval"),
    ("exec", 'exec("x = 1")', "exec"),
    ("compile", 'compile("x = 1", "f", "exec")', "compile"),
    ("compile bytes", 'compile(b"x = 1", "f", "exec")', "compile"),
    ("compile ast", 'import ast\ncompile(ast.parse("x = 1"), "f", "exec")', "compile"),
    ("eval compiled code", "eval(CODE)", "eval"),
    ("exec compiled code", "exec(CODE)", "exec"),
    ("exec function code", "exec(_report.__code__)", "exec"),
    ("runpy.run_module", 'import runpy\nrunpy.run_module("json.tool", run_name="x")', "runpy.run_module"),
    ("runpy.run_path", "import runpy, json\nrunpy.run_path(json.__file__)", "runpy.run_path"),
    ("marshal.loads", "import marshal\nmarshal.loads(DUMPED)", "marshal.loads"),
    ("marshal.load", "import io, marshal\nmarshal.load(io.BytesIO(DUMPED))", "marshal.load"),
    ("CodeType", "import types\nc = _report.__code__\ntypes.CodeType(*ARGS)", "code"),
    ("code.replace", '_report.__code__.replace(co_name="x")', "code"),
]

SETUP = """
import marshal, sys
CODE = compile("1", "<pre>", "eval")
DUMPED = marshal.dumps(CODE)
c = _report.__code__
ARGS = [c.co_argcount, c.co_posonlyargcount, c.co_kwonlyargcount, c.co_nlocals,
        c.co_stacksize, c.co_flags, c.co_code, c.co_consts, c.co_names, c.co_varnames,
        c.co_filename, c.co_name]
if sys.version_info >= (3, 11):
    ARGS += [c.co_qualname, c.co_firstlineno, c.co_linetable, c.co_exceptiontable]
else:
    ARGS += [c.co_firstlineno, c.co_lnotab]
"""


@pytest.mark.parametrize("name,body,what", BLOCKED, ids=[b[0] for b in BLOCKED])
def test_blocked(probe, name, body, what):
    out = probe(body, setup=SETUP, **POLICY)
    out.assert_blocked(
        "code_exec", what, f"dynamic code execution disabled: {what}", "CodeExecViolation"
    )
    assert f"[hermetic] blocked {what} reason=no-code-exec" in out.trace, out.describe()


def test_captured_reference_is_blocked(probe):
    out = probe("return e('1')", setup="e = eval", **POLICY)
    out.assert_blocked("code_exec", "eval", "dynamic code execution disabled: eval")


def test_violation_is_not_an_oserror(probe):
    out = probe('eval("1")', **POLICY)
    assert "OSError" not in out.mro and "RuntimeError" in out.mro, out.describe()


OK_BODIES = {
    "namedtuple": 'import collections\nreturn collections.namedtuple("P", "x y")(1, 2).y',
    "namedtuple defaults": (
        'import collections\nP = collections.namedtuple("P", "x y", defaults=[3])\n'
        "return P(1).y"
    ),
    "dataclass": (
        "import dataclasses\n@dataclasses.dataclass(order=True, frozen=True)\n"
        "class A:\n    x: int = 1\n    y: list = dataclasses.field(default_factory=list)\n"
        "return repr(A(2))"
    ),
    "typing.NamedTuple": (
        "import typing\nclass N(typing.NamedTuple):\n    x: int\n    y: str = 'a'\nreturn N(1).y"
    ),
    "TypedDict": "import typing\nclass T(typing.TypedDict):\n    x: int\nreturn T(x=1)['x']",
    "enum": (
        "import enum\nclass E(enum.Enum):\n    A = 1\nclass F(enum.IntFlag):\n    X = 1\n"
        "    Y = 2\nreturn (E.A.value, int(F.X | F.Y))"
    ),
    "ast.parse": 'import ast\nreturn type(ast.parse("x = 1")).__name__',
    "compile only ast": 'import ast\nreturn type(compile("x", "f", "eval", ast.PyCF_ONLY_AST)).__name__',
    "json argparse logging": (
        "import json, argparse, logging\np = argparse.ArgumentParser()\n"
        "p.add_argument('--x', type=int)\nlogging.getLogger('x').info('hi')\n"
        "return json.dumps({'x': p.parse_args(['--x', '3']).x})"
    ),
    "inspect.signature builtin": "import inspect\nreturn str(inspect.signature(sorted))",
    "calling functions": "f = lambda x: x + 1\nreturn f(1)",
}


@pytest.mark.parametrize("body", OK_BODIES.values(), ids=list(OK_BODIES))
def test_ordinary_code_works(probe, body):
    out = probe(body, **POLICY)
    assert out.raised is None, out.describe()
    assert not out.trace, out.describe()


def test_fresh_imports_without_pyc(probe, tmp_path):
    pkg = tmp_path / "freshpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from . import sub\nVALUE = sub.VALUE + 1\n")
    (pkg / "sub.py").write_text("import collections\nVALUE = 41\n")
    setup = f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nsys.dont_write_bytecode = True"
    out = probe("import freshpkg\nreturn freshpkg.VALUE", setup=setup, **POLICY)
    out.assert_result(42)
    assert not (pkg / "__pycache__").exists()


def test_imports_from_pyc(probe, tmp_path):
    (tmp_path / "cached.py").write_text("VALUE = 7\n")
    setup = (
        f"import sys, importlib, py_compile\nsys.path.insert(0, {str(tmp_path)!r})\n"
        f"py_compile.compile({str(tmp_path / 'cached.py')!r})"
    )
    out = probe(
        "import importlib\nm = importlib.import_module('cached')\n"
        "return (m.VALUE, m.__spec__.cached is not None)",
        setup=setup,
        **POLICY,
    )
    out.assert_result((7, True))


def test_sourceless_pyc_import(probe, tmp_path):
    (tmp_path / "only.py").write_text("VALUE = 9\n")
    setup = (
        f"import sys, py_compile, os\nsys.path.insert(0, {str(tmp_path)!r})\n"
        f"py_compile.compile({str(tmp_path / 'only.py')!r}, "
        f"cfile={str(tmp_path / 'only.pyc')!r})\nos.remove({str(tmp_path / 'only.py')!r})"
    )
    out = probe("import only\nreturn only.VALUE", setup=setup, **POLICY)
    out.assert_result(9)


def test_generators_imported_inside_the_blocker(probe):
    out = probe(
        "import dataclasses, collections\n@dataclasses.dataclass\nclass A:\n    x: int\n"
        "return (A(1).x, collections.namedtuple('P', 'a')(2).a)",
        **POLICY,
    )
    out.assert_result((1, 2))


def test_guard_off_after_the_blocker(run_py):
    code = (
        "from hermetic import hermetic_blocker\n"
        "with hermetic_blocker(block_code_exec=True):\n"
        "    pass\n"
        "print(eval('6 * 7'))\n"
    )
    proc = run_py(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "42"
    assert not trace_lines(proc.stderr)


def test_typing_string_annotations_are_dynamic_code(probe):
    """get_type_hints evaluates string annotations: eval (README, Limitations)."""
    out = probe(
        "import typing\nclass A:\n    x: 'int'\nreturn typing.get_type_hints(A)",
        **POLICY,
    )
    out.assert_blocked("code_exec", "eval", "dynamic code execution disabled: eval")


def test_typed_dict_with_string_annotations(probe):
    """typing compiles forward references (never runs them): TypedDict still works."""
    out = probe(
        "import typing\nclass T(typing.TypedDict):\n    x: 'int'\nreturn T(x=1)['x']",
        **POLICY,
    )
    out.assert_result(1)


def test_types_coroutine_and_asyncio(probe):
    """types.coroutine replaces a code object's flags: the same code, allowed."""
    out = probe(
        "import asyncio, types\n@types.coroutine\ndef g():\n    yield\n"
        "async def main():\n    return 5\nreturn asyncio.run(main())",
        **POLICY,
    )
    out.assert_result(5)


def test_blocker_inside_a_cli_run_without_the_guard(run_cli, tmp_path):
    """The CLI set-up leaves the code guard out when no policy asks for it;
    a blocker that asks later puts it in, with imports still working."""
    script = tmp_path / "prog.py"
    script.write_text(
        "import hermetic\n"
        "print(eval('1 + 1'))\n"
        "with hermetic.hermetic_blocker(block_code_exec=True):\n"
        "    try:\n"
        "        eval('1 + 2')\n"
        "        print('ESCAPED')\n"
        "    except hermetic.PolicyViolation as e:\n"
        "        print('BLOCKED', e.guard)\n"
        "    import collections, dataclasses, fractions\n"
        "    print(collections.namedtuple('P', 'a')(3).a)\n"
        "print(eval('2 + 2'))\n"
    )
    proc = run_cli("--no-network", "--", sys.executable, str(script))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["2", "BLOCKED", "code_exec", "3", "4"], proc.stdout
