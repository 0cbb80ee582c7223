"""Hand-written helpers of the generated resource classes, imported when first looked up.

``client.chat.completions.parse`` and ``.stream`` live in ``lib/`` (structured outputs, the chat
stream's state machine, their blocking twins): about 15 ms of imports that a program sending plain
requests never needs. The generated classes hold a :class:`LazyHelper` for each of them instead of the
helper itself (type checkers see the helper: the generated code declares it under ``TYPE_CHECKING``).
The first lookup, on the class or on an instance, builds the helper, puts it on the class in the
descriptor's place, and from then on the attribute is the helper itself, with no cost per call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["LazyHelper"]


class LazyHelper:
    """A class attribute whose value ``build()`` makes on first lookup (then it replaces itself)."""

    __slots__ = ("_build", "_name", "_owner")

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._owner: type | None = None
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._owner, self._name = owner, name

    def __get__(self, obj: object, objtype: type | None = None) -> Any:
        value: object = self._build()
        if self._owner is not None:
            # Two threads may both get here first: each builds the same helper; the last one stays.
            setattr(self._owner, self._name, value)
        get = getattr(type(value), "__get__", None)
        return value if get is None else get(value, obj, objtype if objtype is not None else type(obj))

    def __repr__(self) -> str:
        where = f"{self._owner.__qualname__}.{self._name}" if self._owner is not None else "?"
        return f"<lazy helper {where}, not loaded yet>"
