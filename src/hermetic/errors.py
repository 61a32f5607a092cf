"""The exceptions hermetic raises.

The classes are created by the C core, once per process, so the class you
catch is the same object whether the guard came from the API, the command
line or a parent process.
"""

from hermetic._core import (
    CodeExecViolation,
    EnvironmentViolation,
    FilesystemViolation,
    ImportViolation,
    InterpreterViolation,
    NativeViolation,
    NetworkViolation,
    PolicyViolation,
    SubprocessViolation,
)

__all__ = [
    "CodeExecViolation",
    "EnvironmentViolation",
    "FilesystemViolation",
    "ImportViolation",
    "InterpreterViolation",
    "NativeViolation",
    "NetworkViolation",
    "PolicyViolation",
    "SubprocessViolation",
]
