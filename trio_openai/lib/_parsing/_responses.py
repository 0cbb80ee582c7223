"""``client.responses.parse(..., text_format=T)``: a response whose final text and tool arguments are parsed.

``text_format=T`` is sent as ``text.format`` (the strict ``json_schema`` of ``T``, next to any other
``text`` settings given) and each ``output_text`` part of a final-answer message (``phase`` absent or
``"final_answer"``) gets ``parsed``; ``response.output_parsed`` is the first of them. A
``function_call`` of a ``responses_function_tool(T)`` gets ``parsed_arguments`` as a ``T``, of another
strict function tool as plain JSON data; other tools are sent as given and not parsed. Text that does not
parse raises :class:`StructuredOutputError` with the raw text, before anything is returned.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ..._core._options import Omit, RequestOptions, omit
from ._plan import ParsePlan
from ._responses_types import (
    ParsedResponse,
    ParsedResponseFunctionToolCall,
    ParsedResponseOutputMessage,
    ParsedResponseOutputText,
)
from ._schema import OutputType, output_type
from ._tools import FunctionTool

if TYPE_CHECKING:
    from ..._core._resource import AsyncAPIResource

__all__ = ["ResponsesParsePlan", "plan_responses_parse", "responses_parse", "split_responses_params"]

T = TypeVar("T")
_OPTION_KEYS = frozenset(RequestOptions.__optional_keys__)
_known: dict[type, frozenset[str]] = {}


class ResponsesParsePlan(ParsePlan):
    """What to parse in one response: the final text's type and each function tool's argument type."""

    __slots__ = ()

    def parse_text(self, text: str, phase: str | None) -> Any:
        if self.content is None or (phase is not None and phase != "final_answer"):
            return None
        return self.content.decode(text)

    def finish(self, response: ParsedResponse[Any]) -> ParsedResponse[Any]:
        """Fill ``parsed`` / ``parsed_arguments`` in place (the ``post_parser`` of the request)."""
        for item in response.output:
            if isinstance(item, ParsedResponseOutputMessage):
                phase = cast("str | None", item.phase)
                parts = cast("list[Any]", item.content)  # pyright: ignore[reportUnknownMemberType]
                for part in parts:
                    if isinstance(part, ParsedResponseOutputText):
                        text = cast("str | None", part.text)
                        if text is not None:
                            part.parsed = self.parse_text(text, phase)
            elif isinstance(item, ParsedResponseFunctionToolCall):
                item.parsed_arguments = self.parse_arguments(item.name, item.arguments)
        return response


def plan_responses_parse(body: dict[str, object], text_format: object) -> ResponsesParsePlan:
    """Put ``text_format``'s strict schema into ``body["text"]["format"]`` and note the parseable
    tools (in place)."""
    content: OutputType | None = None
    if not isinstance(text_format, Omit) and text_format is not None:
        content = output_type(text_format)
        text = dict(cast("Mapping[str, Any]", body.get("text") or {}))
        text["format"] = content.text_format()
        body["text"] = text
    tools: dict[str, OutputType | None] = {}
    given = body.get("tools")
    if given is not None:
        listed = list(cast("Iterable[Mapping[str, Any]]", given))
        body["tools"] = listed
        for tool in listed:
            if tool.get("type") != "function":
                continue
            name = str(tool.get("name"))
            if isinstance(tool, FunctionTool):
                tools[name] = tool.output_type
            elif tool.get("strict") is True:
                tools[name] = None
    return ResponsesParsePlan(content, tools)


def split_responses_params(
    resource: object, helper: str, params: Mapping[str, Any]
) -> tuple[dict[str, object], dict[str, Any]]:
    """The body and the request options of a Responses helper call; ``TypeError`` for a keyword
    ``responses.create`` does not take."""
    cls = type(resource)
    known = _known.get(cls)
    if known is None:
        create: Any = getattr(cls, "create")  # noqa: B009
        known = _known[cls] = frozenset(inspect.signature(create).parameters) - {"self", "options", "stream"}
    body: dict[str, object] = {}
    options: dict[str, Any] = {}
    for key, value in params.items():
        if key in _OPTION_KEYS:
            options[key] = value
        elif key in known:
            body[key] = value
        else:
            raise TypeError(f"responses.{helper}() got an unexpected keyword argument {key!r}")
    return body, options


async def responses_parse(
    self: AsyncAPIResource,
    *,
    text_format: type[T] | Omit = omit,
    tools: Iterable[Mapping[str, Any]] | Omit = omit,
    **params: Any,
) -> ParsedResponse[T]:
    """Create a response and parse it: ``output_parsed`` is a ``text_format`` instance, function calls
    of ``responses_function_tool(T)`` tools carry ``parsed_arguments``.

    Takes the parameters of ``responses.create`` except ``stream`` (use ``.stream(...)``)."""
    body, options = split_responses_params(self, "parse", params)
    if not isinstance(tools, Omit):
        body["tools"] = tools
    plan = plan_responses_parse(body, text_format)
    result: ParsedResponse[T] = await self._client._request(
        "post",
        "/responses",
        cast_to=ParsedResponse,
        body=body,
        options=RequestOptions(**options),
        post_parser=plan.finish,
    )
    return result
