# attack: under --block-native, reach ctypes.pythonapi (PySys_ClearAuditHooks, libc) through any import spelling
# flags: --fs-readonly --block-native
import importlib
import importlib.machinery
import importlib.util
import os

import hermetic

path = os.path.join(os.environ["ATTACK_TMP"], "root", "data.txt")
for load in (
    lambda: __import__("ctypes"),
    lambda: importlib.import_module("_ctypes"),
    lambda: importlib.util.module_from_spec(
        importlib.machinery.PathFinder.find_spec("_ctypes")
    ),
):
    try:
        mod = load()
        api = getattr(mod, "pythonapi", None)
        if api is not None:
            api._PySys_ClearAuditHooks()
        print("ESCAPED loaded", mod)
    except hermetic.PolicyViolation as e:
        print("BLOCKED", e)
    except AttributeError as e:  # the symbol is not exported: ctypes itself loaded, which is the escape
        print("ESCAPED ctypes loaded,", e)
if os.path.getsize(path) != 5:
    print("ESCAPED truncated")
