# attack: under a CLI run without the code guard, replace the import system's functions (SourceLoader.get_code, FileLoader.get_data, _call_with_frames_removed, exec_module) before a blocker asks for the guard, then run source strings through them inside it
# flags: --no-network
import _frozen_importlib as B
import _frozen_importlib_external as E

import hermetic


def cwfr(f, *args, **kw):
    return f(*args, **kw)


def get_data(self, path):
    return b""


def source_to_code(self, src, path):
    return cwfr(compile, src, path, "exec")


def get_code(self, src):
    return self.source_to_code(src, "<evil>")


def exec_module(self, code, ns):
    cwfr(exec, code, ns)


B._call_with_frames_removed = cwfr
E.FileLoader.get_data = get_data
E.SourceLoader.source_to_code = source_to_code
E.SourceLoader.get_code = get_code
E._LoaderBasics.exec_module = exec_module


class L(E.SourceFileLoader):
    pass


loader = L("x", "/nonexistent.py")
with hermetic.hermetic_blocker(block_code_exec=True):
    try:
        ns = {}
        loader.exec_module(loader.get_code("x = 6 * 7"), ns)
        print("ESCAPED dynamic code ran inside the blocker:", ns.get("x"))
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
