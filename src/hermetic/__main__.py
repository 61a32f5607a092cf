"""``python -m hermetic``: the same as the ``hermetic`` command.

It replaces this process with the C launcher installed in the package,
telling it which interpreter to use for module targets.
"""

import os
import sys


def main() -> None:
    launcher = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hermetic-launcher")
    os.environ["HERMETIC_PYTHON"] = sys.executable
    os.execv(launcher, [launcher, *sys.argv[1:]])


if __name__ == "__main__":
    main()
