# attack: _imp.create_dynamic(spec, file) with a spec whose origin answers a copy on its first read and the real file on its second: before 3.12 CPython opens the first answer and reuses the library it cached under that file's device and inode, while the import event names the second
# flags: --no-subprocess
import _imp
import importlib.machinery
import os
import shutil
import tempfile

import hermetic

real = importlib.machinery.PathFinder.find_spec("_posixsubprocess")
if real is None or real.origin in (None, "built-in"):
    print("BLOCKED _posixsubprocess is built in: no file to copy")
    raise SystemExit
d = tempfile.mkdtemp(dir=os.environ["ATTACK_TMP"])
copy = os.path.join(d, "innocuous.so")
shutil.copy(real.origin, copy)


class Spec:
    def __init__(self, name, origins):
        self.name, self._o = name, list(origins)

    @property
    def origin(self):
        return self._o.pop(0) if len(self._o) > 1 else self._o[0]


try:  # caches the copy's library under its device and inode
    _imp.create_dynamic(Spec("innocuous", [copy]), True)
except ImportError:
    pass
try:
    m = _imp.create_dynamic(Spec("_posixsubprocess", [copy, real.origin]), True)
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
    print("ESCAPED an unreplaced fork_exec (the copy's) reached its argument parsing:", e)
