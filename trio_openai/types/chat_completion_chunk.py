"""``ChatCompletionChunk``: one event of a streamed chat completion (``create(..., stream=True)``).

Hand-written until the generated types land; field names and shapes follow the API. Server-filled enums
(``role``, ``type``, ``finish_reason``, ``service_tier``) are open: any string decodes.
"""

from __future__ import annotations

from typing import Literal

from ._base import BaseModel
from .chat_completion import CompletionUsage

__all__ = [
    "ChatCompletionChunk",
    "ChatCompletionTokenLogprob",
    "ChoiceDelta",
    "ChoiceDeltaFunctionCall",
    "ChoiceDeltaToolCall",
    "ChoiceDeltaToolCallFunction",
    "ChoiceLogprobs",
    "ChunkChoice",
    "TopLogprob",
]


class ChoiceDeltaFunctionCall(BaseModel, kw_only=True):
    """Deprecated ``function_call`` delta: pieces of the name and of the JSON arguments."""

    name: str | None = None
    arguments: str | None = None


class ChoiceDeltaToolCallFunction(BaseModel, kw_only=True):
    name: str | None = None
    arguments: str | None = None


class ChoiceDeltaToolCall(BaseModel, kw_only=True):
    """A piece of one tool call; ``index`` says which call it belongs to (the first piece has ``id``)."""

    index: int
    id: str | None = None
    type: Literal["function"] | str | None = None
    function: ChoiceDeltaToolCallFunction | None = None


class ChoiceDelta(BaseModel, kw_only=True):
    """What this chunk adds to the message of one choice."""

    content: str | None = None
    refusal: str | None = None
    role: Literal["developer", "system", "user", "assistant", "tool"] | str | None = None
    tool_calls: list[ChoiceDeltaToolCall] | None = None
    function_call: ChoiceDeltaFunctionCall | None = None


class TopLogprob(BaseModel, kw_only=True):
    token: str
    logprob: float
    bytes: list[int] | None = None


class ChatCompletionTokenLogprob(BaseModel, kw_only=True):
    token: str
    logprob: float
    bytes: list[int] | None = None
    top_logprobs: list[TopLogprob] = []


class ChoiceLogprobs(BaseModel, kw_only=True):
    content: list[ChatCompletionTokenLogprob] | None = None
    refusal: list[ChatCompletionTokenLogprob] | None = None


class ChunkChoice(BaseModel, kw_only=True):
    index: int
    delta: ChoiceDelta
    finish_reason: Literal["stop", "length", "tool_calls", "content_filter", "function_call"] | str | None = (
        None
    )
    logprobs: ChoiceLogprobs | None = None


class ChatCompletionChunk(BaseModel, kw_only=True):
    """One streamed piece of a chat completion. With ``stream_options={"include_usage": True}`` the last
    chunk has no choices and carries ``usage``."""

    id: str
    object: Literal["chat.completion.chunk"] | str = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice] = []
    usage: CompletionUsage | None = None
    system_fingerprint: str | None = None
    service_tier: Literal["auto", "default", "flex", "scale", "priority"] | str | None = None
