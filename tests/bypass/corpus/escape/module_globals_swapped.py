# attack: replace hermetic's modules and their globals (sys.modules, _core functions, the blocker's _core)
# flags: --no-network
import importlib
import socket
import sys
import types

import hermetic
import hermetic._blocker
import hermetic._core

fake = types.ModuleType("hermetic._core")
fake.push = fake.remove = fake.active = lambda *a: None
blocker = hermetic._blocker
blocker._core = fake
for mod in (hermetic._core, blocker, hermetic):
    for name in list(vars(mod)):
        if not name.startswith("__"):
            try:
                setattr(mod, name, None)
            except (AttributeError, TypeError):
                pass
sys.modules["hermetic._core"] = fake
sys.modules["hermetic"] = fake
importlib.invalidate_caches()
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED")
except RuntimeError as e:  # PolicyViolation, which the program can no longer name
    print("BLOCKED", type(e).__name__, e)
