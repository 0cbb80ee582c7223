from __future__ import annotations

from typing import Any, Literal

from ._base import BaseModel

__all__ = [
    "ChatCompletion",
    "ChatCompletionMessage",
    "ChatCompletionMessageToolCall",
    "Choice",
    "CompletionUsage",
    "Function",
]


class Function(BaseModel, kw_only=True):
    name: str
    arguments: str


class ChatCompletionMessageToolCall(BaseModel, kw_only=True):
    id: str
    type: Literal["function"] | str = "function"
    function: Function | None = None


class ChatCompletionMessage(BaseModel, kw_only=True):
    role: Literal["assistant"] | str = "assistant"
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[ChatCompletionMessageToolCall] | None = None
    annotations: list[dict[str, Any]] | None = None
    audio: dict[str, Any] | None = None


class Choice(BaseModel, kw_only=True):
    index: int
    message: ChatCompletionMessage
    finish_reason: Literal["stop", "length", "tool_calls", "content_filter", "function_call"] | str | None = (
        None
    )
    logprobs: dict[str, Any] | None = None


class CompletionUsage(BaseModel, kw_only=True):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    prompt_tokens_details: dict[str, Any] | None = None
    completion_tokens_details: dict[str, Any] | None = None


class ChatCompletion(BaseModel, kw_only=True):
    """A chat completion returned by the model."""

    id: str
    object: Literal["chat.completion"] | str = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: CompletionUsage | None = None
    system_fingerprint: str | None = None
    service_tier: str | None = None
