# attack: load the real _posixsubprocess file with a NUL in the spec name ("x\0._posixsubprocess"): a check that reads the name as a C string stops at the NUL, while CPython takes the part after the last dot of the whole name
# flags: --no-subprocess
import _imp
import sys

import hermetic

dyn = [p for p in sys.path if p.endswith("/lib-dynload")]
if not dyn:
    print("BLOCKED no lib-dynload on sys.path: nothing to load")
    raise SystemExit


class Spec:
    name = "x\0._posixsubprocess"
    origin = dyn[0] + "/_posixsubprocess" + __import__("sysconfig").get_config_var("EXT_SUFFIX")


try:
    m = _imp.create_dynamic(Spec)
    _imp.exec_dynamic(m)
except ImportError as e:
    print("BLOCKED at load", e)
    raise SystemExit
try:
    m.fork_exec()
    print("ESCAPED fork_exec ran")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
except TypeError as e:
    print("ESCAPED an unreplaced fork_exec reached its argument parsing:", e)
