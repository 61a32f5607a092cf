# attack: an earlier Python audit hook that raises on hermetic's own events and on the guarded ones, to cut the chain
# mode: api
import socket
import sys

import hermetic


class Stop(Exception):
    pass


def cut(event, args):
    if event.startswith(("hermetic", "socket")):
        raise Stop(event)


sys.addaudithook(cut)
try:
    with hermetic.hermetic_blocker(block_network=True):
        try:
            socket.getaddrinfo("example.com", 80)
            print("ESCAPED")
        except Stop:
            print("BLOCKED the earlier hook refused it itself")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
except Stop as e:
    print("BLOCKED the blocker could not be entered:", e)
