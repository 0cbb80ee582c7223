"""The async base of the chat and responses stream helpers (their blocking twins share
``_sync_base.SyncHelperStream``): one iteration, batching, closing and context-manager protocol over
an `AsyncStream` of raw items that a state object turns into events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from ._iteration import aclose_all, flatten

if TYPE_CHECKING:
    from ..._core._response import AsyncAPIResponse
    from ..._core._streaming import AsyncStream

__all__ = ["AccumulatingStream"]

RawT = TypeVar("RawT")  # what the server sends (a chunk, an event)
E = TypeVar("E")  # what the helper yields
StateT = TypeVar("StateT")  # the accumulator


class AccumulatingStream(Generic[RawT, E, StateT]):
    """Events computed from a raw stream by ``self._state``. Subclasses give `_events` and
    `_event_batches` (the state's handling, one item or one network read at a time)."""

    __slots__ = ("_batches", "_iterator", "_raw", "_state")

    def __init__(self, raw: AsyncStream[RawT], state: StateT) -> None:
        self._raw = raw
        self._state = state
        self._batches: AsyncIterator[list[E]] | None = None
        self._iterator: AsyncIterator[E] | None = None

    def _events(self) -> AsyncIterator[E]:
        raise NotImplementedError

    def _event_batches(self) -> AsyncIterator[list[E]]:
        raise NotImplementedError

    @property
    def response(self) -> AsyncAPIResponse[Any]:
        """The HTTP response (status, headers)."""
        return self._raw.response

    @property
    def request_id(self) -> str | None:
        return self._raw.request_id

    def __aiter__(self) -> AsyncIterator[E]:
        if self._iterator is None:
            if self._batches is not None:  # iter_batches() was used: go on from where it stopped
                self._iterator = flatten(self._batches)
            else:
                self._iterator = self._events()
        return self._iterator

    def iter_batches(self) -> AsyncIterator[list[E]]:
        """The events in lists, one list per network read, instead of one at a time: the blocking
        client's stream crosses threads once per list. Use it instead of iterating, not after (the
        methods that read to the end, such as :meth:`until_done`, go on where it stopped)."""
        if self._iterator is not None:
            raise RuntimeError("this stream is already being iterated")
        if self._batches is None:
            self._batches = self._event_batches()
        return self._batches

    async def __anext__(self) -> E:
        return await self.__aiter__().__anext__()

    async def until_done(self) -> Self:
        """Read the stream to its end (the events are accumulated, not returned)."""
        async for _ in self:
            pass
        return self

    async def aclose(self) -> None:
        """Close the connection; idempotent."""
        try:
            await aclose_all(self._iterator, self._batches)
        finally:
            await self._raw.aclose()

    close = aclose

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
