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
    its trace line (SPEC section 5), whether or not tracing was on.

    ``would_block`` is True for an action only an observing policy
    (``observe=True``, ``--observe``) refused: it was reported, not blocked,
    and its trace line reads ``[hermetic] would block ...``."""

    guard: str
    target: str | None
    message: str
    trace: str
    would_block: bool = False


def violations(*, would_block: bool | None = None) -> list[Violation]:
    """The last violations of this process (at most 64), oldest first.

    ``would_block=True`` keeps only the observed ones, ``False`` only those
    really blocked; the default keeps both."""
    _count, recent = _core.violations()
    found = [Violation(*v) for v in recent]
    if would_block is None:
        return found
    return [v for v in found if v.would_block == would_block]


def clear_violations() -> None:
    """Forgets the recorded violations."""
    _core.clear_violations()
