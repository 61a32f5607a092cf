# attack: a finaliser run by a garbage collection during the guard's own load of _socket looks for the new module through gc.get_objects() and calls its socket.connect before the replacement is in
# flags: --no-network --allow-domain localhost
import gc

import hermetic

log = []


class Bomb:
    def __init__(self):
        self.me = self

    def __del__(self):
        try:
            for o in gc.get_objects():
                if (type(o).__name__ == "module" and o.__name__.startswith("_hm")
                        and hasattr(o, "socket") and not log):
                    s = o.socket(2, 1)
                    try:
                        s.connect(("hermetic-attack.invalid", 80))
                        log.append("ESCAPED connected")
                    except AttributeError:
                        pass
                    except hermetic.PolicyViolation as e:
                        log.append("BLOCKED " + str(e))
                    except OSError as e:
                        log.append("ESCAPED the resolver was asked: " + str(e))
        finally:
            if not log:
                Bomb()


Bomb()
gc.set_threshold(1)
import socket  # noqa: E402

gc.set_threshold(700)
gc.collect()
print(log[0] if log else "BLOCKED the guard's module was never found unpatched")
