# attack: the real _posixsubprocess file loaded by spec as "-posixsubprocess" (CPython reads '-' as '_' when it looks up the init function), hoping for a module the guard does not know
# flags: --no-subprocess
import importlib.machinery
import importlib.util

import hermetic

real = importlib.machinery.PathFinder.find_spec("_posixsubprocess")
if real is None or real.origin in (None, "built-in"):
    print("BLOCKED _posixsubprocess is built in: no file to load")
    raise SystemExit
try:
    mod = importlib.util.module_from_spec(
        importlib.util.spec_from_file_location("-posixsubprocess", real.origin))
except ImportError as e:
    print("BLOCKED at load", e)
    raise SystemExit
try:
    mod.fork_exec()
    print("ESCAPED fork_exec ran")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
except TypeError as e:
    print("ESCAPED fork_exec reached its own argument parsing:", e)
