# attack: the program's audit hook watches for the guard's own load of _posixsubprocess (the patch waits for the first load), loads the same file under the name it saw, and calls fork_exec before the patch is in
# flags: --no-subprocess
import importlib.util
import sys

import hermetic

results = []


def hook(event, args):
    if event != "import" or len(args) < 2 or not isinstance(args[1], str):
        return
    name, origin = args[0], args[1]
    if name.endswith("_posixsubprocess") and name != "_posixsubprocess" and not results:
        results.append("seen " + name)
        try:
            mod = importlib.util.module_from_spec(
                importlib.util.spec_from_file_location(name, origin))
        except ImportError as e:
            results.append("BLOCKED load " + str(e))
            return
        try:
            mod.fork_exec()
            results.append("ESCAPED fork_exec ran")
        except hermetic.PolicyViolation as e:
            results.append("BLOCKED " + str(e))
        except TypeError as e:
            results.append("ESCAPED an unreplaced fork_exec: " + str(e))


sys.addaudithook(hook)
import _posixsubprocess  # noqa: E402,F401

out = [r for r in results if not r.startswith("seen")]
print(out[0] if out else "BLOCKED the guard's load never showed a name to reuse")
