"""What both ``parse()`` helpers (chat and responses) know about one request: the content's type and
each tool's argument type, and how tool arguments are parsed."""

from __future__ import annotations

from typing import Any

import msgspec

from ._errors import StructuredOutputError
from ._schema import OutputType

__all__ = ["ParsePlan"]


class ParsePlan:
    """The content type and each function tool's argument type of one request."""

    __slots__ = ("content", "tools")

    content: OutputType | None
    """The content's type (``None``: the content is not parsed)."""
    tools: dict[str, OutputType | None]
    """Tool name -> its arguments' type (``None``: a strict dict tool, parsed as plain JSON)."""

    def __init__(self, content: OutputType | None, tools: dict[str, OutputType | None]) -> None:
        self.content = content
        self.tools = tools

    def parse_arguments(self, name: str, arguments: str) -> Any:
        """A call's arguments: a value of the tool's type, plain JSON data for a strict dict tool, or
        ``None`` for a tool that is not parsed."""
        if name not in self.tools:
            return None
        target = self.tools[name]
        if target is not None:
            return target.decode(arguments)
        try:
            return msgspec.json.decode(arguments)
        except msgspec.DecodeError as exc:
            raise StructuredOutputError(
                raw=arguments, output_type=dict, kind="invalid_json", detail=str(exc)
            ) from exc
