"""The keyword arguments of the chat helpers (``parse``, ``stream``) and how they split into the request
body and the request options: one list, so both helpers accept what ``chat.completions.create`` does."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .._core._options import Omit, RequestOptions

__all__ = ["ChatCompletionRequestParams", "ChatCompletionStreamParams", "split_chat_params"]

_OPTION_KEYS = frozenset(RequestOptions.__optional_keys__) | frozenset(("stream_idle_timeout",))


class ChatCompletionRequestParams(RequestOptions, total=False):
    """The parameters of ``chat.completions.create`` besides ``messages``, ``model``, ``stream``,
    ``response_format`` and ``tools``, and the per-call request options."""

    audio: Mapping[str, Any] | None
    frequency_penalty: float | None
    logit_bias: Mapping[str, int] | None
    logprobs: bool | None
    max_completion_tokens: int | None
    max_tokens: int | None
    metadata: Mapping[str, str] | None
    modalities: list[str] | None
    n: int | None
    parallel_tool_calls: bool
    prediction: Mapping[str, Any] | None
    presence_penalty: float | None
    prompt_cache_key: str
    reasoning_effort: str | None
    safety_identifier: str
    seed: int | None
    service_tier: str | None
    stop: str | list[str] | None
    store: bool | None
    stream_options: Mapping[str, Any] | None
    temperature: float | None
    tool_choice: str | Mapping[str, Any]
    top_logprobs: int | None
    top_p: float | None
    user: str
    verbosity: str | None
    web_search_options: Mapping[str, Any]


ChatCompletionStreamParams = ChatCompletionRequestParams
_KNOWN = (
    frozenset(ChatCompletionRequestParams.__annotations__)
    | _OPTION_KEYS
    | frozenset(
        ("prompt_cache_retention", "prompt_cache_options", "moderation", "function_call", "functions")
    )
)


def split_chat_params(
    helper: str,
    messages: Iterable[Mapping[str, Any]],
    model: str,
    response_format: object,
    tools: object,
    params: Mapping[str, Any],
) -> tuple[dict[str, object], dict[str, Any]]:
    """The request body and the request options of a chat helper call; ``TypeError`` for a keyword
    ``chat.completions.create`` does not take (``stream`` included: the helper decides it)."""
    options: dict[str, Any] = {}
    body: dict[str, object] = {"messages": messages, "model": model}
    for key, value in params.items():
        if key in _OPTION_KEYS:
            options[key] = value
        elif key in _KNOWN:
            body[key] = value
        else:
            raise TypeError(f"chat.completions.{helper}() got an unexpected keyword argument {key!r}")
    if not isinstance(response_format, Omit):
        body["response_format"] = response_format
    if not isinstance(tools, Omit):
        body["tools"] = tools
    return body, options
