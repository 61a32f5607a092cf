# attack: a Python audit hook installed first that refuses every later hook (RuntimeError on sys.addaudithook)
# mode: api
import socket
import sys

import hermetic


def refuse(event, args):
    if event == "sys.addaudithook":
        raise RuntimeError("no more hooks")


sys.addaudithook(refuse)
try:
    with hermetic.hermetic_blocker(block_network=True):
        socket.getaddrinfo("example.com", 80)
        print("ESCAPED")
except hermetic.PolicyViolation as e:
    print("BLOCKED", e)
