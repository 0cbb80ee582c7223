"""Methods the official SDK marks deprecated: they stay callable and warn.

`deprecated_method(message)` wraps a method (a coroutine function, a function returning a paginator,
or a blocking method) so that each call first issues a `DeprecationWarning` carrying `message`, with
the caller's line as its location (``stacklevel=2``), then runs the method unchanged. The wrapper
records the message in ``__deprecated__`` (as `warnings.deprecated` does) and the method in
``__wrapped__``; `undeprecated` gives that method back, so the blocking client can warn in the
caller's thread and run the silent async method in the portal. Imports nothing from the package.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

__all__ = ["deprecated_method", "undeprecated"]

F = TypeVar("F", bound=Callable[..., Any])


def deprecated_method(message: str) -> Callable[[F], F]:
    """A decorator: calls of the method warn `message` as a `DeprecationWarning` first."""

    def decorate(method: F) -> F:
        @wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            warnings.warn(message, DeprecationWarning, stacklevel=2)
            return method(*args, **kwargs)

        call.__deprecated__ = message  # type: ignore[attr-defined]  # pyright: ignore[reportFunctionMemberAccess]
        return cast(F, call)

    return decorate


def undeprecated(method: F) -> F:
    """The method `deprecated_method` wrapped (`method` itself when it is not wrapped)."""
    if getattr(method, "__deprecated__", None) is None:
        return method
    return cast(F, getattr(method, "__wrapped__", method))
