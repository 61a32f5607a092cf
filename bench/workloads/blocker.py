"""Microseconds per enter+leave of hermetic_blocker (or of an empty context
manager with the argument `bare`); prints a JSON list, one value per repeat."""
import json
import sys
import timeit
from contextlib import nullcontext

if sys.argv[1:] == ["bare"]:
    cm = nullcontext()
else:
    from hermetic import hermetic_blocker

    cm = hermetic_blocker(block_network=True, block_subprocess=True)


def pair():
    with cm:
        pass


timer = timeit.Timer(pair)
number, _ = timer.autorange()
print(json.dumps([t / number * 1e6 for t in timer.repeat(5, number)]))
