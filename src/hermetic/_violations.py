"""What the C core recorded of this process's violations.

Code may catch a violation and carry on; the record still shows that an
action was blocked.  It keeps the last 64, in C, and costs nothing until
something is blocked.
"""

from __future__ import annotations

from typing import NamedTuple

from hermetic import _core


class Violation(NamedTuple):
    """One blocked action: the exception's guard, target and message, and
    its trace line (SPEC section 5), whether or not tracing was on."""

    guard: str
    target: str | None
    message: str
    trace: str


def violations() -> list[Violation]:
    """The last violations of this process (at most 64), oldest first."""
    _count, recent = _core.violations()
    return [Violation(*v) for v in recent]


def clear_violations() -> None:
    """Forgets the recorded violations."""
    _core.clear_violations()
