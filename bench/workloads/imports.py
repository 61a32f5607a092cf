"""Import up to N standard-library modules (a fixed, sorted list) in one
fresh process: the start-up and import path under a policy."""
import importlib
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
SKIP = {"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo", "lib2to3",
        "ensurepip", "venv", "pydoc_data", "test", "xxsubtype", "xxlimited", "_xxtestfuzz"}
names = sorted(n for n in sys.stdlib_module_names if not n.startswith("_") and n not in SKIP) \
    if hasattr(sys, "stdlib_module_names") else []
done = 0
for name in names:
    if done >= N:
        break
    try:
        importlib.import_module(name)
    except Exception:  # platform modules (msvcrt, winreg, ...) and blocked ones
        continue
    done += 1
print(done)
