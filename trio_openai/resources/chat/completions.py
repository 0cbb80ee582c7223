"""``client.chat.completions``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any, Literal, Unpack, overload

from ..._core._options import Omit, RequestOptions, omit
from ..._core._request import strip_not_given
from ..._core._resource import (
    AsyncAPIResource,
    RawResponseWrapper,
    StreamedResponseWrapper,
    to_raw_response,
    to_streamed_response,
)
from ..._core._streaming import AsyncStream
from ..._core._sync_bridge import SyncAPIResource, SyncResponseWrapper, to_sync, to_sync_raw, to_sync_streamed
from ...lib.streaming.chat import chat_completion_stream
from ...types.chat_completion import ChatCompletion
from ...types.chat_completion_chunk import ChatCompletionChunk

__all__ = ["AsyncCompletions", "Completions"]

_CHUNK_STREAM = AsyncStream.factory(ChatCompletionChunk)


class AsyncCompletions(AsyncAPIResource):
    __slots__ = ("__dict__",)

    @cached_property
    def with_raw_response(self) -> AsyncCompletionsWithRawResponse:
        return AsyncCompletionsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncCompletionsWithStreamingResponse:
        return AsyncCompletionsWithStreamingResponse(self)

    @overload
    async def create(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        audio: Mapping[str, Any] | Omit | None = omit,
        frequency_penalty: float | Omit | None = omit,
        logit_bias: Mapping[str, int] | Omit | None = omit,
        logprobs: bool | Omit | None = omit,
        max_completion_tokens: int | Omit | None = omit,
        max_tokens: int | Omit | None = omit,
        metadata: Mapping[str, str] | Omit | None = omit,
        modalities: list[str] | Omit | None = omit,
        n: int | Omit | None = omit,
        parallel_tool_calls: bool | Omit = omit,
        prediction: Mapping[str, Any] | Omit | None = omit,
        presence_penalty: float | Omit | None = omit,
        prompt_cache_key: str | Omit = omit,
        reasoning_effort: str | Omit | None = omit,
        response_format: Mapping[str, Any] | Omit = omit,
        safety_identifier: str | Omit = omit,
        seed: int | Omit | None = omit,
        service_tier: str | Omit | None = omit,
        stop: str | list[str] | Omit | None = omit,
        store: bool | Omit | None = omit,
        stream: Literal[False] | Omit | None = omit,
        stream_options: Mapping[str, Any] | Omit | None = omit,
        temperature: float | Omit | None = omit,
        tool_choice: str | Mapping[str, Any] | Omit = omit,
        tools: Iterable[Mapping[str, Any]] | Omit = omit,
        top_logprobs: int | Omit | None = omit,
        top_p: float | Omit | None = omit,
        user: str | Omit = omit,
        verbosity: str | Omit | None = omit,
        web_search_options: Mapping[str, Any] | Omit = omit,
        **options: Unpack[RequestOptions],
    ) -> ChatCompletion: ...

    @overload
    async def create(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        audio: Mapping[str, Any] | Omit | None = omit,
        frequency_penalty: float | Omit | None = omit,
        logit_bias: Mapping[str, int] | Omit | None = omit,
        logprobs: bool | Omit | None = omit,
        max_completion_tokens: int | Omit | None = omit,
        max_tokens: int | Omit | None = omit,
        metadata: Mapping[str, str] | Omit | None = omit,
        modalities: list[str] | Omit | None = omit,
        n: int | Omit | None = omit,
        parallel_tool_calls: bool | Omit = omit,
        prediction: Mapping[str, Any] | Omit | None = omit,
        presence_penalty: float | Omit | None = omit,
        prompt_cache_key: str | Omit = omit,
        reasoning_effort: str | Omit | None = omit,
        response_format: Mapping[str, Any] | Omit = omit,
        safety_identifier: str | Omit = omit,
        seed: int | Omit | None = omit,
        service_tier: str | Omit | None = omit,
        stop: str | list[str] | Omit | None = omit,
        store: bool | Omit | None = omit,
        stream: Literal[True],
        stream_options: Mapping[str, Any] | Omit | None = omit,
        temperature: float | Omit | None = omit,
        tool_choice: str | Mapping[str, Any] | Omit = omit,
        tools: Iterable[Mapping[str, Any]] | Omit = omit,
        top_logprobs: int | Omit | None = omit,
        top_p: float | Omit | None = omit,
        user: str | Omit = omit,
        verbosity: str | Omit | None = omit,
        web_search_options: Mapping[str, Any] | Omit = omit,
        **options: Unpack[RequestOptions],
    ) -> AsyncStream[ChatCompletionChunk]: ...

    @overload
    async def create(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        audio: Mapping[str, Any] | Omit | None = omit,
        frequency_penalty: float | Omit | None = omit,
        logit_bias: Mapping[str, int] | Omit | None = omit,
        logprobs: bool | Omit | None = omit,
        max_completion_tokens: int | Omit | None = omit,
        max_tokens: int | Omit | None = omit,
        metadata: Mapping[str, str] | Omit | None = omit,
        modalities: list[str] | Omit | None = omit,
        n: int | Omit | None = omit,
        parallel_tool_calls: bool | Omit = omit,
        prediction: Mapping[str, Any] | Omit | None = omit,
        presence_penalty: float | Omit | None = omit,
        prompt_cache_key: str | Omit = omit,
        reasoning_effort: str | Omit | None = omit,
        response_format: Mapping[str, Any] | Omit = omit,
        safety_identifier: str | Omit = omit,
        seed: int | Omit | None = omit,
        service_tier: str | Omit | None = omit,
        stop: str | list[str] | Omit | None = omit,
        store: bool | Omit | None = omit,
        stream: bool,
        stream_options: Mapping[str, Any] | Omit | None = omit,
        temperature: float | Omit | None = omit,
        tool_choice: str | Mapping[str, Any] | Omit = omit,
        tools: Iterable[Mapping[str, Any]] | Omit = omit,
        top_logprobs: int | Omit | None = omit,
        top_p: float | Omit | None = omit,
        user: str | Omit = omit,
        verbosity: str | Omit | None = omit,
        web_search_options: Mapping[str, Any] | Omit = omit,
        **options: Unpack[RequestOptions],
    ) -> ChatCompletion | AsyncStream[ChatCompletionChunk]: ...

    async def create(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        audio: Mapping[str, Any] | Omit | None = omit,
        frequency_penalty: float | Omit | None = omit,
        logit_bias: Mapping[str, int] | Omit | None = omit,
        logprobs: bool | Omit | None = omit,
        max_completion_tokens: int | Omit | None = omit,
        max_tokens: int | Omit | None = omit,
        metadata: Mapping[str, str] | Omit | None = omit,
        modalities: list[str] | Omit | None = omit,
        n: int | Omit | None = omit,
        parallel_tool_calls: bool | Omit = omit,
        prediction: Mapping[str, Any] | Omit | None = omit,
        presence_penalty: float | Omit | None = omit,
        prompt_cache_key: str | Omit = omit,
        reasoning_effort: str | Omit | None = omit,
        response_format: Mapping[str, Any] | Omit = omit,
        safety_identifier: str | Omit = omit,
        seed: int | Omit | None = omit,
        service_tier: str | Omit | None = omit,
        stop: str | list[str] | Omit | None = omit,
        store: bool | Omit | None = omit,
        stream: bool | Omit | None = omit,
        stream_options: Mapping[str, Any] | Omit | None = omit,
        temperature: float | Omit | None = omit,
        tool_choice: str | Mapping[str, Any] | Omit = omit,
        tools: Iterable[Mapping[str, Any]] | Omit = omit,
        top_logprobs: int | Omit | None = omit,
        top_p: float | Omit | None = omit,
        user: str | Omit = omit,
        verbosity: str | Omit | None = omit,
        web_search_options: Mapping[str, Any] | Omit = omit,
        **options: Unpack[RequestOptions],
    ) -> ChatCompletion | AsyncStream[ChatCompletionChunk]:
        """Create a model response for the given chat conversation."""
        body = strip_not_given(
            {
                "messages": messages,
                "model": model,
                "audio": audio,
                "frequency_penalty": frequency_penalty,
                "logit_bias": logit_bias,
                "logprobs": logprobs,
                "max_completion_tokens": max_completion_tokens,
                "max_tokens": max_tokens,
                "metadata": metadata,
                "modalities": modalities,
                "n": n,
                "parallel_tool_calls": parallel_tool_calls,
                "prediction": prediction,
                "presence_penalty": presence_penalty,
                "prompt_cache_key": prompt_cache_key,
                "reasoning_effort": reasoning_effort,
                "response_format": response_format,
                "safety_identifier": safety_identifier,
                "seed": seed,
                "service_tier": service_tier,
                "stop": stop,
                "store": store,
                "stream": stream,
                "stream_options": stream_options,
                "temperature": temperature,
                "tool_choice": tool_choice,
                "tools": tools,
                "top_logprobs": top_logprobs,
                "top_p": top_p,
                "user": user,
                "verbosity": verbosity,
                "web_search_options": web_search_options,
            }
        )
        return await self._client._request(
            "post",
            "/chat/completions",
            cast_to=ChatCompletion,
            body=body,
            options=options,
            stream_cls=_CHUNK_STREAM if stream else None,
        )

    stream = chat_completion_stream  # client.chat.completions.stream(...): lib/streaming/chat.py


class AsyncCompletionsWithRawResponse(RawResponseWrapper):
    create = to_raw_response(AsyncCompletions.create)


class AsyncCompletionsWithStreamingResponse(StreamedResponseWrapper):
    create = to_streamed_response(AsyncCompletions.create)


# --- blocking client (trio_openai.OpenAI) -------------------------------------------------------------


class Completions(SyncAPIResource[AsyncCompletions]):
    @cached_property
    def with_raw_response(self) -> CompletionsWithRawResponse:
        return CompletionsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> CompletionsWithStreamingResponse:
        return CompletionsWithStreamingResponse(self)

    create = to_sync(AsyncCompletions.create)


class CompletionsWithRawResponse(SyncResponseWrapper):
    create = to_sync_raw(AsyncCompletions.create)


class CompletionsWithStreamingResponse(SyncResponseWrapper):
    create = to_sync_streamed(AsyncCompletions.create)
