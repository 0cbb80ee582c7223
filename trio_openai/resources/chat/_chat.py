from __future__ import annotations

from functools import cached_property

from ..._core._resource import AsyncAPIResource, RawResponseWrapper, StreamedResponseWrapper
from ..._core._sync_bridge import SyncAPIResource, SyncResponseWrapper
from .completions import (
    AsyncCompletions,
    AsyncCompletionsWithRawResponse,
    AsyncCompletionsWithStreamingResponse,
    Completions,
    CompletionsWithRawResponse,
    CompletionsWithStreamingResponse,
)

__all__ = ["AsyncChat", "Chat"]


class AsyncChat(AsyncAPIResource):
    __slots__ = ("__dict__",)

    @cached_property
    def completions(self) -> AsyncCompletions:
        return AsyncCompletions(self._client)

    @cached_property
    def with_raw_response(self) -> AsyncChatWithRawResponse:
        return AsyncChatWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncChatWithStreamingResponse:
        return AsyncChatWithStreamingResponse(self)


class AsyncChatWithRawResponse(RawResponseWrapper):
    @cached_property
    def completions(self) -> AsyncCompletionsWithRawResponse:
        return AsyncCompletionsWithRawResponse(self._resource.completions)


class AsyncChatWithStreamingResponse(StreamedResponseWrapper):
    @cached_property
    def completions(self) -> AsyncCompletionsWithStreamingResponse:
        return AsyncCompletionsWithStreamingResponse(self._resource.completions)


# --- blocking client (trio_openai.OpenAI) -------------------------------------------------------------


class Chat(SyncAPIResource[AsyncChat]):
    @cached_property
    def completions(self) -> Completions:
        return Completions(self._client, self._async.completions)

    @cached_property
    def with_raw_response(self) -> ChatWithRawResponse:
        return ChatWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ChatWithStreamingResponse:
        return ChatWithStreamingResponse(self)


class ChatWithRawResponse(SyncResponseWrapper):
    @cached_property
    def completions(self) -> CompletionsWithRawResponse:
        return CompletionsWithRawResponse(self._resource.completions)


class ChatWithStreamingResponse(SyncResponseWrapper):
    @cached_property
    def completions(self) -> CompletionsWithStreamingResponse:
        return CompletionsWithStreamingResponse(self._resource.completions)
