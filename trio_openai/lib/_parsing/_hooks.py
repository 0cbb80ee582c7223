"""Request hooks of ``chat.completions.create`` / ``responses.create``: a type where a format dict belongs.

``create(response_format=MyModel)`` cannot parse anything (it returns the plain completion), so, as the
official SDK does, it is refused before any request with a ``TypeError`` that points to ``parse()``.
The generated methods call these hooks with their request body (``tools/codegen/_handwritten.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from types import GenericAlias, UnionType
from typing import Any, cast

__all__ = ["reject_chat_format_types", "reject_text_format_types"]


def _is_type(value: object) -> bool:
    return isinstance(value, type | GenericAlias | UnionType)


def reject_chat_format_types(body: dict[str, object]) -> Callable[[Any], Any] | None:
    fmt = body.get("response_format")
    if fmt is not None and _is_type(fmt):
        name = getattr(fmt, "__name__", repr(fmt))
        raise TypeError(
            f"You tried to pass a `{name}` class to `chat.completions.create()`; "
            "you must use `chat.completions.parse()` instead"
        )
    return None


def reject_text_format_types(body: dict[str, object]) -> Callable[[Any], Any] | None:
    text = body.get("text")
    fmt: object = cast("dict[str, object]", text).get("format") if isinstance(text, dict) else None
    if fmt is not None and _is_type(fmt):
        name = getattr(fmt, "__name__", repr(fmt))
        raise TypeError(
            f"You tried to pass a `{name}` class as `text.format` to `responses.create()`; "
            "use `responses.parse(text_format=...)` instead"
        )
    return None
