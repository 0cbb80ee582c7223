"""The typed events of ``client.chat.completions.stream(...)``.

Every event is a frozen msgspec Struct whose ``type`` field names it, so ``match event.type`` (or
``if event.type == "content.delta"``) narrows the union for a type checker. ``choice_index`` says which
choice (of ``n``) an event is about.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import msgspec

from ...types import ChatCompletion, ChatCompletionChunk, ChatCompletionTokenLogprob

__all__ = [
    "ChatCompletionStreamEvent",
    "ChunkEvent",
    "ContentDeltaEvent",
    "ContentDoneEvent",
    "FunctionToolCallArgumentsDeltaEvent",
    "FunctionToolCallArgumentsDoneEvent",
    "LogprobsContentDeltaEvent",
    "LogprobsContentDoneEvent",
    "LogprobsRefusalDeltaEvent",
    "LogprobsRefusalDoneEvent",
    "RefusalDeltaEvent",
    "RefusalDoneEvent",
]


class _Event(msgspec.Struct, frozen=True, kw_only=True):
    pass


class ChunkEvent(_Event, frozen=True, kw_only=True):
    """Every chunk, first: the chunk as received and the completion accumulated so far."""

    type: Literal["chunk"] = "chunk"
    chunk: ChatCompletionChunk
    snapshot: ChatCompletion


class ContentDeltaEvent(_Event, frozen=True, kw_only=True):
    """New text of choice ``choice_index``: ``delta``, and ``snapshot`` (the text so far)."""

    type: Literal["content.delta"] = "content.delta"
    choice_index: int = 0
    delta: str
    snapshot: str
    """The content so far, this delta included."""
    parsed: object = None
    """With a ``response_format`` type: the content so far as partial JSON data (dicts, lists, complete
    scalars), one object updated in place from delta to delta (copy it to keep it); else ``None``."""


class ContentDoneEvent(_Event, frozen=True, kw_only=True):
    """The choice's text is complete: ``content``."""

    type: Literal["content.done"] = "content.done"
    choice_index: int = 0
    content: str
    parsed: object = None
    """With a ``response_format`` type: the content parsed into it (``None`` after a refusal)."""


class RefusalDeltaEvent(_Event, frozen=True, kw_only=True):
    """New refusal text of a choice: ``delta`` and ``snapshot``."""

    type: Literal["refusal.delta"] = "refusal.delta"
    choice_index: int = 0
    delta: str
    snapshot: str


class RefusalDoneEvent(_Event, frozen=True, kw_only=True):
    """The choice's refusal is complete: ``refusal``."""

    type: Literal["refusal.done"] = "refusal.done"
    choice_index: int = 0
    refusal: str


class FunctionToolCallArgumentsDeltaEvent(_Event, frozen=True, kw_only=True):
    """New argument text of tool call ``index`` (function ``name``): ``arguments_delta``, ``arguments`` so far."""

    type: Literal["tool_calls.function.arguments.delta"] = "tool_calls.function.arguments.delta"
    choice_index: int = 0
    name: str
    index: int
    """The tool call's index within the message."""
    arguments: str
    """The arguments so far (JSON text, usually incomplete)."""
    arguments_delta: str
    parsed_arguments: object = None
    """For a strict tool: the arguments so far as partial JSON data, one object updated in place."""


class FunctionToolCallArgumentsDoneEvent(_Event, frozen=True, kw_only=True):
    """A tool call's arguments are complete: ``name``, ``arguments`` (JSON text), ``index``."""

    type: Literal["tool_calls.function.arguments.done"] = "tool_calls.function.arguments.done"
    choice_index: int = 0
    name: str
    index: int
    arguments: str
    parsed_arguments: object = None
    """For a ``function_tool(T)``: the arguments as a ``T``; another strict tool: as JSON data."""


class LogprobsContentDeltaEvent(_Event, frozen=True, kw_only=True):
    """Log probabilities of new content tokens (``content``) and all so far (``snapshot``)."""

    type: Literal["logprobs.content.delta"] = "logprobs.content.delta"
    choice_index: int = 0
    content: list[ChatCompletionTokenLogprob]
    snapshot: list[ChatCompletionTokenLogprob]


class LogprobsContentDoneEvent(_Event, frozen=True, kw_only=True):
    """The log probabilities of every content token of the choice."""

    type: Literal["logprobs.content.done"] = "logprobs.content.done"
    choice_index: int = 0
    content: list[ChatCompletionTokenLogprob]


class LogprobsRefusalDeltaEvent(_Event, frozen=True, kw_only=True):
    """Log probabilities of new refusal tokens (``refusal``) and all so far (``snapshot``)."""

    type: Literal["logprobs.refusal.delta"] = "logprobs.refusal.delta"
    choice_index: int = 0
    refusal: list[ChatCompletionTokenLogprob]
    snapshot: list[ChatCompletionTokenLogprob]


class LogprobsRefusalDoneEvent(_Event, frozen=True, kw_only=True):
    """The log probabilities of every refusal token of the choice."""

    type: Literal["logprobs.refusal.done"] = "logprobs.refusal.done"
    choice_index: int = 0
    refusal: list[ChatCompletionTokenLogprob]


ChatCompletionStreamEvent: TypeAlias = (
    ChunkEvent
    | ContentDeltaEvent
    | ContentDoneEvent
    | RefusalDeltaEvent
    | RefusalDoneEvent
    | FunctionToolCallArgumentsDeltaEvent
    | FunctionToolCallArgumentsDoneEvent
    | LogprobsContentDeltaEvent
    | LogprobsContentDoneEvent
    | LogprobsRefusalDeltaEvent
    | LogprobsRefusalDoneEvent
)
