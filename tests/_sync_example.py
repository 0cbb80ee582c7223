"""Hand-written resources in the shape the code generator emits, for the blocking-client tests.

* ``AsyncFiles`` / ``Files``: a cursor-paginated list method (``GET /v1/files`` on the fake server).
* ``AsyncDemoCompletions`` / ``DemoCompletions``: a method overloaded on ``stream`` whose stream is a
  stand-in for ``AsyncStream`` (an async iterator of decoded SSE events with ``aclose``), and its
  blocking twin with explicit overloads returning ``Stream[...]``.
* ``AsyncDemo`` / ``Demo``: a resource holding the two as sub-resources.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import aclosing
from functools import cached_property
from typing import Any, Generic, Literal, TypeVar, Unpack, overload

import msgspec

from trio_openai import AsyncAPIResponse, AsyncOpenAI, OpenAI, Stream
from trio_openai._blocking._bridge import (
    SyncAPIResource,
    SyncResponseWrapper,
    sync_call,
    to_sync_list,
    to_sync_raw,
    to_sync_raw_list,
    to_sync_streamed,
    to_sync_streamed_list,
)
from trio_openai._core._options import Omit, RequestOptions, omit
from trio_openai._core._pagination import AsyncCursorPage, AsyncPaginator
from trio_openai._core._request import strip_not_given
from trio_openai._core._resource import (
    AsyncAPIResource,
    RawResponseWrapper,
    StreamedResponseWrapper,
    to_raw_response,
    to_streamed_response,
)
from trio_openai._core._sse import SSEDecoder
from trio_openai.types import ChatCompletion
from trio_openai.types._base import BaseModel

T = TypeVar("T")


class FileObject(BaseModel, kw_only=True):
    id: str
    object: str
    bytes: int
    filename: str
    purpose: str


class ChunkDelta(BaseModel, kw_only=True):
    content: str | None = None


class ChunkChoice(BaseModel, kw_only=True):
    index: int
    delta: ChunkDelta


class ChatChunk(BaseModel, kw_only=True):
    id: str
    choices: list[ChunkChoice]


class StandInStream(Generic[T]):
    """Stands in for ``AsyncStream[T]``: decoded SSE events until ``[DONE]``; ``aclose`` releases."""

    def __init__(self, response: AsyncAPIResponse[Any], item_type: type[T]) -> None:
        self.response = response
        self._decoder = msgspec.json.Decoder(item_type)
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[T]:
        sse = SSEDecoder()
        try:
            async with aclosing(self.response.iter_bytes()) as chunks:
                async for chunk in chunks:
                    for event in sse.feed(chunk):
                        if event.data.startswith("[DONE]"):
                            return
                        yield self._decoder.decode(event.data_bytes)
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        self.closed = True
        await self.response.aclose()


# -- the async side ------------------------------------------------------------------------------------


class AsyncFiles(AsyncAPIResource):
    __slots__ = ("__dict__",)

    @cached_property
    def with_raw_response(self) -> AsyncFilesWithRawResponse:
        return AsyncFilesWithRawResponse(self)

    def list(
        self, *, limit: int | Omit = omit, after: str | Omit = omit, **options: Unpack[RequestOptions]
    ) -> AsyncPaginator[FileObject, AsyncCursorPage[FileObject]]:
        query = strip_not_given({"limit": limit, "after": after})
        return self._client._get_api_list(
            "/files", page=AsyncCursorPage[FileObject], query=query, options=options
        )


class AsyncFilesWithRawResponse(RawResponseWrapper):
    list = to_raw_response(AsyncFiles.list)


class AsyncDemoCompletions(AsyncAPIResource):
    __slots__ = ("__dict__",)

    @overload
    async def create(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        stream: Literal[False] | Omit = omit,
        **options: Unpack[RequestOptions],
    ) -> ChatCompletion: ...
    @overload
    async def create(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        stream: Literal[True],
        **options: Unpack[RequestOptions],
    ) -> StandInStream[ChatChunk]: ...
    @overload
    async def create(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        stream: bool,
        **options: Unpack[RequestOptions],
    ) -> ChatCompletion | StandInStream[ChatChunk]: ...
    async def create(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        stream: bool | Omit = omit,
        **options: Unpack[RequestOptions],
    ) -> ChatCompletion | StandInStream[ChatChunk]:
        body = strip_not_given({"messages": messages, "model": model, "stream": stream})
        return await self._client._request(
            "post",
            "/chat/completions",
            cast_to=ChatCompletion,
            body=body,
            options=options,
            stream_cls=(lambda response: StandInStream(response, ChatChunk)) if stream is True else None,
        )


class AsyncDemoCompletionsWithStreamingResponse(StreamedResponseWrapper):
    create = to_streamed_response(AsyncDemoCompletions.create)


class AsyncDemo(AsyncAPIResource):
    __slots__ = ("__dict__",)

    @cached_property
    def files(self) -> AsyncFiles:
        return AsyncFiles(self._client)

    @cached_property
    def completions(self) -> AsyncDemoCompletions:
        return AsyncDemoCompletions(self._client)


# -- the blocking side, as generated -------------------------------------------------------------------


class Files(SyncAPIResource[AsyncFiles]):
    @cached_property
    def with_raw_response(self) -> FilesWithRawResponse:
        return FilesWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> FilesWithStreamingResponse:
        return FilesWithStreamingResponse(self)

    list = to_sync_list(AsyncFiles.list)


class FilesWithRawResponse(SyncResponseWrapper):
    list = to_sync_raw_list(AsyncFiles.list)


class FilesWithStreamingResponse(SyncResponseWrapper):
    list = to_sync_streamed_list(AsyncFiles.list)


class DemoCompletions(SyncAPIResource[AsyncDemoCompletions]):
    @cached_property
    def with_raw_response(self) -> DemoCompletionsWithRawResponse:
        return DemoCompletionsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> DemoCompletionsWithStreamingResponse:
        return DemoCompletionsWithStreamingResponse(self)

    @overload
    def create(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        stream: Literal[False] | Omit = omit,
        **options: Unpack[RequestOptions],
    ) -> ChatCompletion: ...
    @overload
    def create(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        stream: Literal[True],
        **options: Unpack[RequestOptions],
    ) -> Stream[ChatChunk]: ...
    @overload
    def create(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        stream: bool,
        **options: Unpack[RequestOptions],
    ) -> ChatCompletion | Stream[ChatChunk]: ...
    def create(self, **kwargs: Any) -> ChatCompletion | Stream[ChatChunk]:
        return sync_call(self, AsyncDemoCompletions.create, **kwargs)


class DemoCompletionsWithRawResponse(SyncResponseWrapper):
    create = to_sync_raw(AsyncDemoCompletions.create)


class DemoCompletionsWithStreamingResponse(SyncResponseWrapper):
    create = to_sync_streamed(AsyncDemoCompletions.create)


class Demo(SyncAPIResource[AsyncDemo]):
    @cached_property
    def files(self) -> Files:
        return Files(self._client, self._async.files)

    @cached_property
    def completions(self) -> DemoCompletions:
        return DemoCompletions(self._client, self._async.completions)


def demo(client: OpenAI) -> Demo:
    """``client.demo`` as the resource tree would offer it."""
    return Demo(client, AsyncDemo(client._async))


def async_demo(client: AsyncOpenAI) -> AsyncDemo:
    return AsyncDemo(client)
