"""``client.chat.completions.stream(...)``: a streamed chat completion as typed events.

::

    async with client.chat.completions.stream(model="gpt-4o", messages=[...]) as stream:
        async for event in stream:
            if event.type == "content.delta":
                print(event.delta, end="")
        completion = await stream.get_final_completion()

The request is sent when the ``async with`` block is entered and the connection is released when it is
left. The events are listed in :mod:`._chat_events`; the accumulation rules in :mod:`._chat_state`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Unpack

from ..._core._options import Omit, RequestOptions, omit
from ..._core._streaming import AsyncStream
from ...types import ChatCompletion, ChatCompletionChunk
from .._chat_params import ChatCompletionRequestParams, ChatCompletionStreamParams, split_chat_params
from .._parsing._chat_types import ParsedChatCompletion
from ._async_base import AccumulatingStream
from ._chat_events import ChatCompletionStreamEvent
from ._chat_state import ChatCompletionStreamState
from ._iteration import aclose_all, sliced

if TYPE_CHECKING:
    from ..._core._resource import AsyncAPIResource
    from .._parsing._chat import ChatParsePlan

__all__ = [
    "ChatCompletionStream",
    "ChatCompletionStreamManager",
    "ChatCompletionStreamParams",
    "chat_completion_stream",
]


T = TypeVar("T")


class ChatCompletionStream(
    AccumulatingStream[ChatCompletionChunk, ChatCompletionStreamEvent, ChatCompletionStreamState], Generic[T]
):
    """The events of one streamed chat completion, and the completion they add up to.

    Iterate it for :data:`ChatCompletionStreamEvent` values (once), or call :meth:`until_done` /
    :meth:`get_final_completion` to read it to the end.
    """

    __slots__ = ()

    def __init__(self, raw: AsyncStream[ChatCompletionChunk], state: ChatCompletionStreamState | None = None):
        super().__init__(raw, state if state is not None else ChatCompletionStreamState())

    def _events(self) -> AsyncIterator[ChatCompletionStreamEvent]:
        return _events(self._raw, self._state)

    def _event_batches(self) -> AsyncIterator[list[ChatCompletionStreamEvent]]:
        return _event_batches(self._raw, self._state)

    @property
    def chunks(self) -> AsyncStream[ChatCompletionChunk]:
        """The underlying chunk stream (iterate either it or this, not both)."""
        return self._raw

    @property
    def current_completion_snapshot(self) -> ChatCompletion:
        return self._state.current_completion_snapshot

    async def get_final_completion(self) -> ParsedChatCompletion[T]:
        """Read the stream to its end and return the accumulated completion (with ``parsed`` values
        when the stream was opened with a ``response_format`` type or strict tools)."""
        await self.until_done()
        completion = self._state.get_final_completion()
        extra: dict[str, Any] = getattr(completion, "__dict__")  # noqa: B009  (BaseModel keeps the request id there)
        extra["_request_id"] = self._raw.request_id
        return completion


async def _events(
    raw: AsyncStream[ChatCompletionChunk], state: ChatCompletionStreamState
) -> AsyncIterator[ChatCompletionStreamEvent]:
    handle = state.handle_chunk
    async for chunk in raw:
        for event in handle(chunk):
            yield event


async def _event_batches(
    raw: AsyncStream[ChatCompletionChunk], state: ChatCompletionStreamState
) -> AsyncIterator[list[ChatCompletionStreamEvent]]:
    handle = state.handle_chunk
    slices = sliced(raw.iter_batches())
    try:
        async for chunks in slices:
            yield [event for chunk in chunks for event in handle(chunk)]
    finally:
        await aclose_all(slices)


class ChatCompletionStreamManager(Generic[T]):
    """``async with`` sends the request and gives a :class:`ChatCompletionStream`; leaving closes it."""

    __slots__ = ("_open", "_plan", "_stream")

    def __init__(
        self,
        open_stream: Callable[[], Awaitable[AsyncStream[ChatCompletionChunk]]],
        plan: ChatParsePlan | None = None,
    ) -> None:
        self._open = open_stream
        self._plan = plan
        self._stream: ChatCompletionStream[T] | None = None

    async def __aenter__(self) -> ChatCompletionStream[T]:
        if self._stream is not None:
            raise RuntimeError("this stream manager was entered already; call .stream(...) again")
        self._stream = ChatCompletionStream(await self._open(), ChatCompletionStreamState(self._plan))
        return self._stream

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._stream is not None:
            await self._stream.aclose()


_CHUNKS = AsyncStream.factory(ChatCompletionChunk)


def chat_completion_stream(
    self: AsyncAPIResource,
    *,
    messages: Iterable[Mapping[str, Any]],
    model: str,
    response_format: type[T] | Mapping[str, Any] | Omit = omit,
    tools: Iterable[Mapping[str, Any]] | Omit = omit,
    **params: Unpack[ChatCompletionRequestParams],
) -> ChatCompletionStreamManager[T]:
    """Stream a chat completion as typed events (``content.delta``, ``tool_calls.function.arguments.done``
    ...): ``async with client.chat.completions.stream(model=..., messages=[...]) as stream``.

    Takes the parameters of ``chat.completions.create`` (``stream`` is implied). A type as
    ``response_format`` (or ``function_tool(T)`` tools) is sent as its strict schema.
    """
    from .._parsing._chat import plan_chat_parse

    body, options = split_chat_params("stream", messages, model, response_format, tools, params)
    plan = plan_chat_parse(body, require_strict=False)
    body["stream"] = True
    client = self._client

    async def open_stream() -> AsyncStream[ChatCompletionChunk]:
        stream: AsyncStream[ChatCompletionChunk] = await client._request(
            "post",
            "/chat/completions",
            cast_to=ChatCompletion,
            body=body,
            options=RequestOptions(**options),
            stream_cls=_CHUNKS,
        )
        return stream

    return ChatCompletionStreamManager(open_stream, plan)
