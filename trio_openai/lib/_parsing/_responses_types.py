"""The result types of ``client.responses.parse(...)``, with the official SDK's names.

Each extends the generated type (a ``ParsedResponse`` is a ``Response``). The body decodes straight
into them: ``message`` items become :class:`ParsedResponseOutputMessage` (their ``output_text`` parts
:class:`ParsedResponseOutputText`, with ``parsed``) and ``function_call`` items
:class:`ParsedResponseFunctionToolCall` (with ``parsed_arguments``); other items keep their types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar, cast

from ...types import Response
from ...types._union import REQUIRED, tagged_union
from ...types.function_tool_call import FunctionToolCall
from ...types.output_message import OutputMessage
from ...types.output_text_content import OutputTextContent
from ...types.refusal_content import RefusalContent

if TYPE_CHECKING:
    from ...types.output_item import OutputItem

__all__ = [
    "ParsedContent",
    "ParsedResponse",
    "ParsedResponseFunctionToolCall",
    "ParsedResponseOutputItem",
    "ParsedResponseOutputMessage",
    "ParsedResponseOutputText",
]

ContentType = TypeVar("ContentType")


def _generic(marker: type) -> type:
    """Let a runtime union marker be subscripted like the generic alias the type checker sees."""

    def same(cls: type, item: object) -> type:
        return cls

    setattr(marker, "__class_getitem__", classmethod(same))  # noqa: B010
    return marker


class ParsedResponseOutputText(OutputTextContent, Generic[ContentType], kw_only=True):
    parsed: ContentType | None = None
    """The text parsed into ``text_format`` (final answers only)."""


class ParsedResponseFunctionToolCall(FunctionToolCall, kw_only=True):
    parsed_arguments: object = None
    """The arguments parsed into the tool's type, or as JSON for another strict tool."""


if TYPE_CHECKING:
    ParsedContent: TypeAlias = ParsedResponseOutputText[ContentType] | RefusalContent
else:
    ParsedContent = _generic(
        tagged_union(
            "ParsedContent",
            "type",
            lambda: {"output_text": ParsedResponseOutputText, "refusal": RefusalContent},
            tuple,
        )
    )


class ParsedResponseOutputMessage(OutputMessage, Generic[ContentType], kw_only=True):
    content: list[ParsedContent[ContentType]] = REQUIRED  # pyright: ignore[reportIncompatibleVariableOverride]


def _output_variants() -> Mapping[str, Any]:
    from ...types.output_item import OutputItem as Generated

    tagged, _ = Generated._lookup  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownVariableType]
    variants: dict[str, Any] = dict(tagged())  # pyright: ignore[reportUnknownArgumentType]
    variants["message"] = ParsedResponseOutputMessage
    variants["function_call"] = ParsedResponseFunctionToolCall
    return variants


if TYPE_CHECKING:
    ParsedResponseOutputItem: TypeAlias = (
        ParsedResponseOutputMessage[ContentType] | ParsedResponseFunctionToolCall | OutputItem
    )
else:
    ParsedResponseOutputItem = _generic(
        tagged_union("ParsedResponseOutputItem", "type", _output_variants, tuple)
    )


class ParsedResponse(Response, Generic[ContentType], kw_only=True):
    output: list[ParsedResponseOutputItem[ContentType]] = REQUIRED  # pyright: ignore[reportIncompatibleVariableOverride]

    @property
    def output_parsed(self) -> ContentType | None:
        """The first parsed ``output_text`` of the output messages (``None`` if there is none)."""
        for item in self.output:
            if isinstance(item, ParsedResponseOutputMessage):
                for part in item.content:  # pyright: ignore[reportUnknownVariableType, reportUnknownMemberType]
                    if isinstance(part, ParsedResponseOutputText):
                        parsed = cast("ContentType | None", part.parsed)  # pyright: ignore[reportUnknownMemberType]
                        if parsed is not None:
                            return parsed
        return None
