"""A small program that does two things a sandboxed tool should not.

It looks up a host and shells out.  Run it under hermetic to see both
refused, each with a trace line and a readable exception:

    hermetic --no-network --no-subprocess --trace -- python examples/misbehaving.py

Without hermetic it simply tries both.
"""

import socket
import subprocess

try:
    from hermetic import PolicyViolation
except ImportError:  # run without hermetic installed: nothing is ever a violation
    PolicyViolation = RuntimeError


def look_up(host):
    try:
        address = socket.gethostbyname(host)
    except PolicyViolation as exc:
        print(f"lookup of {host} refused: {exc}")
    except OSError as exc:
        print(f"lookup of {host} failed: {exc}")
    else:
        print(f"lookup of {host}: {address}")


def shell_out():
    try:
        subprocess.run(["echo", "hi"], check=True)
    except PolicyViolation as exc:
        print(f"running echo refused: {exc}")
    else:
        print("running echo: done")


def main():
    look_up("pypi.org")
    shell_out()


if __name__ == "__main__":
    main()
