"""Attacks on the dynamic code guard that must be blocked.

Each runs in a fresh interpreter under `hermetic_blocker(block_code_exec=True)`.
"""

import pytest

POLICY = {"block_code_exec": True}

ATTACKS = {
    "forged cpython.run_command": (
        "import sys\nsys.audit('cpython.run_command', 'x')\nexec('x = 1')",
        "exec",
    ),
    "forged run_file then compile": (
        "import sys\nsys.audit('cpython.run_file', __file__ if '__file__' in dir() else 'f')\n"
        "compile('x = 1', '<string>', 'exec')",
        "compile",
    ),
    "captured exec": ("e('x = 1')", "exec"),
    "builtins dict": ("import builtins\nbuiltins.__dict__['eval']('1')", "eval"),
    "compile with an imported module's path": (
        "import json\ncompile('x = 1', json.__file__, 'exec')",
        "compile",
    ),
    "_call_with_frames_removed(exec)": (
        "import importlib._bootstrap as b\nb._call_with_frames_removed(exec, 'x = 1', {})",
        "exec",
    ),
    "_call_with_frames_removed(compile)": (
        "import importlib._bootstrap as b\nb._call_with_frames_removed(compile, 'x = 1', 'f', 'exec')",
        "compile",
    ),
    "source_to_code directly": (
        "import importlib.machinery as m, json\n"
        "m.SourceFileLoader('json', json.__file__).source_to_code(b'x = 1', json.__file__)",
        "compile",
    ),
    "get_data then compile": (
        "import importlib.machinery as m, json\n"
        "l = m.SourceFileLoader('json', json.__file__)\n"
        "compile(l.get_data(json.__file__), json.__file__, 'exec')",
        "compile",
    ),
    "loader serving source from memory": (
        "import importlib.machinery as m, importlib.util, json\n"
        "class L(m.SourceFileLoader):\n"
        "    def get_data(self, path):\n"
        "        return b'import os'\n"
        "spec = importlib.util.spec_from_loader('evil', L('evil', json.__file__))\n"
        "mod = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(mod)",
        "compile",
    ),
    "instance get_data shadow": (
        "import importlib.machinery as m, importlib.util, json\n"
        "l = m.SourceFileLoader('evil', json.__file__)\n"
        "l.get_data = lambda path: b'import os'\n"
        "spec = importlib.util.spec_from_loader('evil', l)\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))",
        "compile",
    ),
    "loader returning a precompiled code object": (
        "import importlib.machinery as m, importlib.util, json\n"
        "class L(m.SourceFileLoader):\n"
        "    def get_code(self, name):\n"
        "        return PRE\n"
        "spec = importlib.util.spec_from_loader('evil', L('evil', json.__file__))\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))",
        "exec",
    ),
    "_compile_bytecode directly": (
        "import importlib._bootstrap_external as e, marshal\n"
        "e._compile_bytecode(bytearray(DUMPED))",
        "marshal.loads",
    ),
    "FunctionType of marshal code": (
        "import marshal, types\ntypes.FunctionType(marshal.loads(DUMPED), {})()",
        "marshal.loads",
    ),
    "code.replace of a function's code": (
        "def f():\n    return 1\nf.__code__ = f.__code__.replace(co_consts=(None, 2))",
        "code",
    ),
    "runpy._run_code directly": (
        "import runpy\nrunpy._run_code(PRE, {})",
        "exec",
    ),
    "runpy._run_module_as_main from a nested frame": (
        "import runpy, sys\nsys.argv = ['x']\nrunpy._run_module_as_main('json.tool')",
        "exec",
    ),
    "code.InteractiveInterpreter": (
        "import code\ncode.InteractiveInterpreter().runsource('x = 1')\n"
        "raise SystemExit('not blocked')",
        "compile",
    ),
    "timeit": ("import timeit\ntimeit.timeit('1', number=1)", "compile"),
    "typing.ForwardRef evaluated": (
        "import typing\ntyping.ForwardRef('__import__(\"os\")')._evaluate(globals(), None, recursive_guard=frozenset())",
        "eval",
    ),
    "FunctionType of a ForwardRef's code": (
        "import typing, types\n"
        "c = typing.ForwardRef('(lambda: __import__(\"os\"))()').__forward_code__\n"
        "types.FunctionType(c, {})()",
        "function",
    ),
    "FunctionType of a nested code object": (
        "import typing, types\n"
        "c = typing.ForwardRef('lambda: __import__(\"os\")').__forward_code__\n"
        "inner = [k for k in c.co_consts if hasattr(k, 'co_code')][0]\n"
        "types.FunctionType(inner, {})()",
        "function",
    ),
    "FunctionType of a code object compiled before the guard": (
        "import types\ntypes.FunctionType(PRE, {})()",
        "function",
    ),
    "__code__ set to a compiled code object": (
        "def f():\n    pass\nf.__code__ = PRE",
        "function",
    ),
}

SETUP = """
import marshal
e = exec
PRE = compile("import os", "<pre>", "exec")
DUMPED = marshal.dumps(PRE)
"""


@pytest.mark.parametrize("body,what", ATTACKS.values(), ids=list(ATTACKS))
def test_attack_blocked(probe, body, what):
    out = probe(body, setup=SETUP, **POLICY)
    out.assert_blocked("code_exec", what, f"dynamic code execution disabled: {what}")


def test_namedtuple_field_names_are_validated(probe):
    """namedtuple checks names are identifiers before generating code."""
    out = probe(
        "import collections\n"
        "collections.namedtuple('P', ['x=__import__(\"os\").getpid()'])",
        **POLICY,
    )
    assert out.raised == "ValueError", out.describe()


def test_dataclass_field_name_steers_generated_code(probe):
    """A Limitation (README): dataclasses trusts __annotations__ keys."""
    out = probe(
        "import dataclasses\n"
        "ns = {'__annotations__': {'x=print(\"ran\") or 1,y': int}}\n"
        "try:\n"
        "    dataclasses.dataclass(type('A', (), ns))\n"
        "except SyntaxError:\n"
        "    return 'syntax'\n"
        "return 'generated'",
        **POLICY,
    )
    assert "PolicyViolation" not in (out.mro or []), out.describe()
