"""hermetic: run Python code with capabilities switched off.

The enforcement is C (``hermetic._core``); this package only gives it a
Python face.  Nothing is installed at import: entering a blocker does it.
"""

from hermetic._blocker import hermetic_blocker, with_hermetic
from hermetic._violations import Violation, clear_violations, violations
from hermetic.errors import PolicyViolation

__all__ = [
    "PolicyViolation",
    "Violation",
    "clear_violations",
    "hermetic_blocker",
    "violations",
    "with_hermetic",
]
__version__ = "0.1.0"
