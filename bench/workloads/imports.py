"""Import the standard-library modules named in a file (one per line) in one
fresh process: the start-up and import path under a policy.

With no file, print up to N names (default 200) that import here, to make
that list: bench/run makes it once under `--profile block-all`, so every
variant imports the same modules.
"""
import importlib
import sys

SKIP = {"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo", "lib2to3",
        "ensurepip", "venv", "pydoc_data", "test", "xxsubtype", "xxlimited"}

if len(sys.argv) > 1 and not sys.argv[1].isdigit():
    names = open(sys.argv[1]).read().split()
    failed = 0
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            failed += 1
    print(len(names) - failed)
else:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    found = []
    for name in sorted(m for m in sys.stdlib_module_names if not m.startswith("_")):
        if len(found) >= n:
            break
        if name in SKIP:
            continue
        try:
            importlib.import_module(name)
        except Exception:  # platform modules, and what the policy refuses
            continue
        found.append(name)
    print("\n".join(found))
