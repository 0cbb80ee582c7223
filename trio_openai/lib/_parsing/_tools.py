"""Strict function tools built from a type, remembered for parsing the model's arguments.

``function_tool(T)`` gives the Chat Completions tool ``{"type": "function", "function": {...}}``;
``responses_function_tool(T)`` the Responses API tool ``{"type": "function", "name": ...}``. Both are
plain dicts on the wire; the dict that carries the name is a :class:`FunctionTool`, which knows its
:class:`~._schema.OutputType`, so ``parse()`` turns that tool's arguments into a ``T``.
``pydantic_function_tool`` / ``pydantic_responses_function_tool`` are the official SDK's names for the
same functions (they accept any supported type, pydantic classes included).
"""

from __future__ import annotations

from typing import Any

from ._schema import OutputType, output_type

__all__ = [
    "FunctionTool",
    "function_tool",
    "pydantic_function_tool",
    "pydantic_responses_function_tool",
    "responses_function_tool",
]


class FunctionTool(dict[str, Any]):
    """A function definition (a dict, sent as is) that remembers the type of its arguments."""

    output_type: OutputType

    @property
    def model(self) -> Any:
        """The arguments' type (the official SDK's attribute name)."""
        return self.output_type.type


def _description(tp: Any, given: str | None) -> str | None:
    if given is not None:
        return given
    doc = vars(tp).get("__doc__") if isinstance(tp, type) else None
    if not isinstance(doc, str) or doc.startswith(f"{tp.__name__}("):  # a dataclass's generated doc
        return None
    return doc.strip() or None


def _definition(tp: Any, name: str | None, description: str | None, **head: Any) -> FunctionTool:
    target = output_type(tp)
    tool = FunctionTool(head)
    tool["name"] = name or target.name
    tool["strict"] = True
    tool["parameters"] = target.schema
    text = _description(tp, description)
    if text is not None:
        tool["description"] = text
    tool.output_type = target
    return tool


def function_tool(tp: Any, *, name: str | None = None, description: str | None = None) -> dict[str, Any]:
    """A strict Chat Completions function tool whose parameters are ``tp``'s schema (name: the type's
    name; description: its docstring). ``parse()`` fills ``parsed_arguments`` with a ``tp``."""
    return {"type": "function", "function": _definition(tp, name, description)}


def responses_function_tool(
    tp: Any, *, name: str | None = None, description: str | None = None
) -> FunctionTool:
    """The Responses API form of :func:`function_tool`: ``{"type": "function", "name": ...}``."""
    return _definition(tp, name, description, type="function")


pydantic_function_tool = function_tool
pydantic_responses_function_tool = responses_function_tool
