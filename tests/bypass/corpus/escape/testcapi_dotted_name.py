# attack: load _testcapi / _testinternalcapi (which create subinterpreters and change the interpreter's configuration) by spec under a dotted name ("x._testcapi"), past a check of the exact name
# flags: --no-network
# requires: any(os.path.exists(os.path.join(p, "_testcapi" + __import__("sysconfig").get_config_var("EXT_SUFFIX"))) for p in sys.path if p.endswith("/lib-dynload"))
import _imp
import sys
import sysconfig

dyn = [p for p in sys.path if p.endswith("/lib-dynload")][0]
results = []
for name in ("x._testcapi", "x._testinternalcapi", "x.-testcapi"):
    class S:
        pass
    S.name = name
    S.origin = dyn + "/" + name.split(".")[-1].replace("-", "_") + sysconfig.get_config_var("EXT_SUFFIX")
    try:
        m = _imp.create_dynamic(S)
        results.append(f"ESCAPED loaded {name}: {m}")
    except ImportError as e:
        results.append(f"BLOCKED {name}: {e}")
escaped = [r for r in results if r.startswith("ESCAPED")]
print(escaped[0] if escaped else results[0])
