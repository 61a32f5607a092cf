"""The Python face of a policy: a context manager and decorator.

Validation, the stack and every decision are in the C core; this class
only remembers which of its entries it pushed, so that leaving removes
its own policy and not whatever is on top.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, TypeVar

from hermetic import _core

F = TypeVar("F", bound=Callable[..., Any])


class hermetic_blocker:  # noqa: N801 - the public name is fixed by the spec
    """Block capabilities for the whole process while active.

    Takes the policy fields as keyword arguments (``block_network=True``,
    ``allow_domains=["example.com"]``, ``profile="net-hermetic"``, ...).
    Use it as ``with``, ``async with`` or a decorator; one object can be
    entered again and from several threads.
    """

    __slots__ = ("_policy", "_ids")

    def __init__(self, **policy: Any) -> None:
        self._policy = _core.Policy(**policy)
        self._ids: list[int] = []

    def __enter__(self) -> hermetic_blocker:
        self._ids.append(_core.push(self._policy))
        return self

    def __exit__(self, *exc_info: object) -> None:
        _core.remove(self._ids.pop())

    async def __aenter__(self) -> hermetic_blocker:
        return self.__enter__()

    async def __aexit__(self, *exc_info: object) -> None:
        self.__exit__(*exc_info)

    def __call__(self, fn: F) -> F:
        """Decorate ``fn`` so that every call runs under this policy."""
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await fn(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return run  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"hermetic_blocker({self._policy.to_json()})"


def with_hermetic(**policy: Any) -> hermetic_blocker:
    """Decorator factory: ``@with_hermetic(block_network=True)``."""
    return hermetic_blocker(**policy)
