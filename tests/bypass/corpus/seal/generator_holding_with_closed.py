# attack: a generator and a coroutine suspended inside a sealed blocker, closed, thrown into and garbage-collected
# mode: api
import gc
import socket

import hermetic


def gen():
    with hermetic.hermetic_blocker(block_network=True, sealed=True):
        yield 1
        yield 2


async def coro():
    async with hermetic.hermetic_blocker(block_subprocess=True, sealed=True):
        await Never()


class Never:
    def __await__(self):
        yield


g = gen()
next(g)
g.close()
g2 = gen()
next(g2)
try:
    g2.throw(GeneratorExit)
except GeneratorExit:
    pass
g3 = gen()
next(g3)
del g3
c = coro()
c.send(None)
c.close()
gc.collect()
try:
    socket.getaddrinfo("example.com", 80)
    print("ESCAPED network")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
import os  # noqa: E402

try:
    os.system("true")
    print("ESCAPED subprocess")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
