from __future__ import annotations

from functools import cached_property

from ..._core._resource import AsyncAPIResource, RawResponseWrapper, StreamedResponseWrapper
from .completions import (
    AsyncCompletions,
    AsyncCompletionsWithRawResponse,
    AsyncCompletionsWithStreamingResponse,
)

__all__ = ["AsyncChat"]


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
