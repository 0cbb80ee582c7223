"""The result types of ``client.chat.completions.parse(...)``, with the official SDK's names.

Each is a subclass of the generated type it extends, so a ``ParsedChatCompletion`` is a
``ChatCompletion`` too. The whole body is decoded straight into these classes (one pass, one cached
decoder); ``parse()`` then fills ``message.parsed`` and ``function.parsed_arguments``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar

from ...types import ChatCompletion, ChatCompletionMessageToolCall
from ...types._union import REQUIRED, tagged_union
from ...types.chat_completion_message_custom_tool_call import ChatCompletionMessageCustomToolCall
from ...types.chat_completion_message_tool_call import ChatCompletionMessageToolCallFunction
from ...types.chat_completion_response_message import ChatCompletionResponseMessage
from ...types.create_chat_completion_response import CreateChatCompletionResponseChoicesItem

__all__ = [
    "ParsedChatCompletion",
    "ParsedChatCompletionMessage",
    "ParsedChoice",
    "ParsedFunction",
    "ParsedFunctionToolCall",
    "ParsedToolCall",
]

ContentType = TypeVar("ContentType")


class ParsedFunction(ChatCompletionMessageToolCallFunction, kw_only=True):
    parsed_arguments: object = None
    """The arguments parsed into the tool's type (``function_tool(T)``), or as plain JSON for another
    strict tool; ``None`` for a tool that is not strict."""


class ParsedFunctionToolCall(ChatCompletionMessageToolCall, kw_only=True):
    function: ParsedFunction = REQUIRED  # pyright: ignore[reportIncompatibleVariableOverride]


if TYPE_CHECKING:
    ParsedToolCall: TypeAlias = ParsedFunctionToolCall | ChatCompletionMessageCustomToolCall
else:
    ParsedToolCall = tagged_union(
        "ParsedToolCall",
        "type",
        lambda: {"function": ParsedFunctionToolCall, "custom": ChatCompletionMessageCustomToolCall},
        tuple,
    )


class ParsedChatCompletionMessage(ChatCompletionResponseMessage, Generic[ContentType], kw_only=True):
    parsed: ContentType | None = None
    """The content parsed into the requested type (``None`` on a refusal or without content)."""

    tool_calls: list[ParsedToolCall] | None = None  # pyright: ignore[reportIncompatibleVariableOverride]


class ParsedChoice(CreateChatCompletionResponseChoicesItem, Generic[ContentType], kw_only=True):
    message: ParsedChatCompletionMessage[ContentType] = REQUIRED  # pyright: ignore[reportIncompatibleVariableOverride]


class ParsedChatCompletion(ChatCompletion, Generic[ContentType], kw_only=True):
    choices: list[ParsedChoice[ContentType]] = REQUIRED  # pyright: ignore[reportIncompatibleVariableOverride]
