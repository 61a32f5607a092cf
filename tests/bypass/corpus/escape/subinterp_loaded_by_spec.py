# attack: load _interpreters (or _xxsubinterpreters) straight from its file with a spec, never through `import`, and create an interpreter
# flags: --no-network
# requires: sys.version_info >= (3, 12)
import importlib.machinery
import importlib.util
import sys

import hermetic

name = "_interpreters" if sys.version_info >= (3, 13) else "_xxsubinterpreters"
path = importlib.machinery.PathFinder.find_spec(name).origin
spec = importlib.util.spec_from_file_location(name, path)
try:
    mod = importlib.util.module_from_spec(spec)
    interp = mod.create()
    print("ESCAPED created subinterpreter", interp)
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
