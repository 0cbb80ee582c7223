"""`Stream[T]`: the blocking face of an async event stream (``create(..., stream=True)``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar

from .._core._portal import BlockingIterator, Portal

__all__ = ["AsyncStreamLike", "Stream", "StreamResponse", "is_async_stream"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class AsyncStreamLike(Protocol[T_co]):
    """What `Stream` wraps: an async iterator of events that can be closed (``AsyncStream``)."""

    def __aiter__(self) -> AsyncIterator[T_co]: ...

    async def aclose(self) -> None: ...


async def _single(source: AsyncStreamLike[T]) -> AsyncIterator[list[T]]:
    """One-item batches over a source that has no ``iter_batches``; closing it closes the source."""
    iterator = source.__aiter__()
    try:
        async for item in iterator:
            yield [item]
    finally:
        try:
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                await aclose()
        finally:
            await source.aclose()


def is_async_stream(value: object) -> bool:
    """Whether a result is an async event stream that the blocking client must wrap in `Stream`."""
    return hasattr(value, "__aiter__") and hasattr(value, "aclose")


class StreamResponse:
    """The blocking face of a stream's HTTP response: the async response's facts (``status_code``,
    ``headers``, ``request_id``, ``http_request`` ...), and a blocking ``close()`` that closes the stream."""

    __slots__ = ("_response", "_stream")

    def __init__(self, response: Any, stream: Stream[Any]) -> None:
        self._response = response
        self._stream = stream

    def close(self) -> None:
        """Release the connection (ends the stream); idempotent."""
        self._stream.close()

    @property
    def is_closed(self) -> bool:
        return bool(self._response.is_closed)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ("aclose", "read", "text", "json", "parse"):
            raise AttributeError(name)  # coroutine methods: the stream owns the body
        return getattr(self._response, name)

    def __repr__(self) -> str:
        return repr(self._response)


_UNSTARTED: list[Any] = []  # `Stream._batch` until the first batch is read (never appended to)


class Stream(Generic[T]):
    """Events of a streamed response, one blocking step at a time.

    ``for event in stream`` (each step runs in the portal, so Ctrl-C cancels it cleanly). The
    response is released when the stream ends or fails, or by ``close()``; stop early inside
    ``with stream:`` (or call ``close()``) so the connection goes back at once. ``close()`` is
    idempotent. Not for use by several threads at once.
    """

    __slots__ = ("_batch", "_index", "_iterator", "_portal", "_source")

    def __init__(self, source: AsyncStreamLike[T], portal: Portal) -> None:
        self._source = source
        self._portal = portal
        # Cross into the portal once per network read when the source can hand over whole batches
        # (AsyncStream.iter_batches), else once per item.
        iter_batches = getattr(source, "iter_batches", None)
        self._iterator: BlockingIterator[Any] = portal.iterate(
            iter_batches() if iter_batches is not None else _single(source)
        )
        self._batch: list[T] = _UNSTARTED  # replaced by the first batch read
        self._index = 0

    @property
    def response(self) -> Any:
        """The underlying stream's HTTP response (status, headers, ``request_id``, ``http_request``),
        if it has one; its ``close()`` closes the stream, as in the official SDK."""
        response = getattr(self._source, "response", None)
        return None if response is None else StreamResponse(response, self)

    @property
    def closed(self) -> bool:
        return self._iterator.closed

    def __iter__(self) -> Stream[T]:
        return self

    def __next__(self) -> T:
        index = self._index
        batch = self._batch
        if index >= len(batch):
            batch = self._batch = next(self._iterator)
            index = 0
        self._index = index + 1
        return batch[index]

    def close(self) -> None:
        """Close the async stream inside the portal, releasing the connection. Idempotent."""
        unstarted = self._batch is _UNSTARTED and not self._iterator.closed
        self._iterator.close()
        if unstarted:
            self._close_unstarted()

    def _close_unstarted(self) -> None:
        # An iteration never begun has not reached the source (closing an unstarted async generator
        # runs none of its code): close the source itself, or its connection stays checked out.
        self._portal.call(self._source.aclose)

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        unstarted = self._batch is _UNSTARTED and not self._iterator.closed
        self._iterator.__exit__(exc_type, exc, tb)
        if unstarted:
            self._close_unstarted()

    def __repr__(self) -> str:
        return f"<Stream {'closed' if self.closed else 'open'} over {type(self._source).__name__}>"
