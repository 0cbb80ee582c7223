"""The blocking faces of the stream helpers: the async helper, driven through the portal.

There is one implementation of what a helper does (the async one: sending the request, accumulating the
events); the blocking classes only carry it across threads:

* the manager's ``with`` enters and exits the async manager in one portal task (`Portal.wrap_async_cm`);
* iteration goes through a `Stream` over the async helper's ``iter_batches()``: one thread crossing
  per network read, not per event;
* the methods that read to the end (``until_done``, ``get_final_...``) run the async ones in the portal,
  in one crossing, from wherever the iteration stopped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar

from ..._blocking._stream import Stream

if TYPE_CHECKING:
    from ..._blocking._interfaces import BlockingClient
    from ..._core._portal import BlockingContextManager, Portal
    from ..._core._response import AsyncAPIResponse

__all__ = ["AsyncHelperStream", "SyncHelperStream", "SyncHelperStreamManager"]

E = TypeVar("E")
AsyncT = TypeVar("AsyncT", bound="AsyncHelperStream[Any]")
SyncT = TypeVar("SyncT", bound="SyncHelperStream[Any, Any]")


class AsyncHelperStream(Protocol[E]):
    """What the async helper streams (``ChatCompletionStream``, ``ResponseStream``) offer."""

    @property
    def response(self) -> AsyncAPIResponse[Any]: ...

    @property
    def request_id(self) -> str | None: ...

    def __aiter__(self) -> AsyncIterator[E]: ...

    def iter_batches(self) -> AsyncIterator[list[E]]: ...

    async def aclose(self) -> None: ...


class SyncHelperStream(Generic[E, AsyncT]):
    """Events of a helper stream, one blocking step at a time (``for event in stream``).

    Iterate it once, or call ``until_done()`` (or the subclass's ``get_final_...()``) to read the rest
    in one go. ``close()`` (and leaving the manager's ``with``) releases the connection; idempotent.
    Not for use by several threads at once.
    """

    __slots__ = ("_async", "_events", "_portal")

    def __init__(self, stream: AsyncT, portal: Portal) -> None:
        self._async = stream
        self._portal = portal
        self._events: Stream[E] = Stream(stream, portal)  # crosses once per batch (iter_batches)

    @property
    def response(self) -> AsyncAPIResponse[Any]:
        """The HTTP response (status, headers)."""
        return self._async.response

    @property
    def request_id(self) -> str | None:
        return self._async.request_id

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> E:
        return next(self._events)

    def until_done(self) -> Self:
        """Read the stream to its end (the events are accumulated, not returned)."""
        self._portal.call(self._until_done)
        return self

    async def _until_done(self) -> None:
        async for _ in self._async:
            pass

    def close(self) -> None:
        """Close the connection; idempotent."""
        try:
            self._events.close()
        finally:
            self._portal.call(self._async.aclose)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class SyncHelperStreamManager(Generic[AsyncT, SyncT]):
    """``with`` sends the request and gives the blocking stream; leaving closes it. Single use."""

    __slots__ = ("_client", "_cm", "_make", "_manager")

    def __init__(
        self,
        manager: AbstractAsyncContextManager[AsyncT],
        client: BlockingClient,
        make: Callable[[AsyncT, Portal], SyncT],
    ) -> None:
        self._manager = manager
        self._client = client
        self._make = make
        self._cm: BlockingContextManager[AsyncT] | None = None

    def __enter__(self) -> SyncT:
        if self._cm is not None:
            raise RuntimeError("this stream manager was entered already; call .stream(...) again")
        client = self._client
        self._cm = client._wrap_async_cm(self._manager)
        return self._make(self._cm.__enter__(), client._portal)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._cm is not None:
            self._cm.__exit__(exc_type, exc, tb)
