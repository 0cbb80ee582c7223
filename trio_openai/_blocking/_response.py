"""Responses for the blocking client: `SyncAPIResponse` (body on the wire) and the value mapping.

``with client.models.with_streaming_response.retrieve("gpt-4o") as response:`` yields a
`SyncAPIResponse`: the blocking face of an `AsyncAPIResponse`, every read going through the portal.
``with_raw_response`` methods return the very same `APIResponse` as the async client (its body is
read already, so it has nothing to block on).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, overload

from .._core._pagination import BasePage
from .._core._response import APIResponse, AsyncAPIResponse, ResponseMeta
from ._page import SyncBasePage
from ._stream import Stream, is_async_stream

if TYPE_CHECKING:
    from ._interfaces import BlockingClient

__all__ = ["ResponseContextManager", "SyncAPIResponse", "to_sync_value"]

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")


def to_sync_value(value: Any, client: BlockingClient) -> Any:
    """The blocking face of a value an async method produced.

    Pages become `SyncBasePage`, event streams `Stream`, unread responses `SyncAPIResponse`; a read
    `APIResponse` stays itself but its ``parse()`` maps the same way. Anything else is returned as is.
    """
    if isinstance(value, BasePage):
        return SyncBasePage[Any, Any](value, client)
    if isinstance(value, AsyncAPIResponse):
        return SyncAPIResponse[Any](value, client)  # pyright: ignore[reportUnknownArgumentType]
    if isinstance(value, APIResponse):
        _map_parse(value, client)  # pyright: ignore[reportUnknownArgumentType]
        return value  # pyright: ignore[reportUnknownVariableType]
    if is_async_stream(value):
        return Stream[Any](value, client._portal)
    return value


def _map_parse(response: APIResponse[Any], client: BlockingClient) -> None:
    parser: Callable[[ResponseMeta, bytes], Any] = response._parser

    def parse(meta: ResponseMeta, content: bytes) -> Any:
        return to_sync_value(parser(meta, content), client)

    response._parser = parse


class SyncAPIResponse(ResponseMeta, Generic[T]):
    """A response whose body is still on the wire, read with blocking calls.

    Read it once (``read``, ``text``, ``json``, ``parse``, ``iter_bytes``, ``iter_text``,
    ``iter_lines``, ``stream_to_file``); leaving the ``with`` block (or ``close()``) releases the
    connection. Status, headers, ``request_id`` and the other facts are plain attributes.
    """

    __slots__ = ("_client", "_response")

    def __init__(self, response: AsyncAPIResponse[T], client: BlockingClient) -> None:
        for name in ResponseMeta.__slots__:  # the async response's facts, shared (they never change)
            object.__setattr__(self, name, getattr(response, name))
        self._response = response
        self._client = client

    # -- facts: ResponseMeta's (status_code, headers, request_id, rate_limits, elapsed ...) ------------

    @property
    def is_closed(self) -> bool:
        return self._response.is_closed

    # -- the body ------------------------------------------------------------------------------------

    def read(self) -> bytes:
        return self._portal_call(self._response.read)

    def text(self) -> str:
        return self._portal_call(self._response.text)

    def json(self) -> Any:
        return self._portal_call(self._response.json)

    @overload
    def parse(self) -> T: ...
    @overload
    def parse(self, *, to: type[R]) -> R: ...
    def parse(self, *, to: type[Any] | None = None) -> Any:
        """Decode the body into the method's return type, or into ``to`` if given."""
        return to_sync_value(self._portal_call(self._response.aparse, to=to), self._client)

    def iter_bytes(self) -> Iterator[bytes]:
        """The body as it arrives, in the chunks the network gives."""
        return self._client._portal.iterate(self._response.iter_bytes())

    def iter_text(self) -> Iterator[str]:
        return self._client._portal.iterate(self._response.iter_text())

    def iter_lines(self) -> Iterator[str]:
        return self._client._portal.iterate(self._response.iter_lines())

    def stream_to_file(self, file: str | os.PathLike[str], *, chunk_size: int | None = None) -> None:
        """Write the body to ``file`` as it arrives, never holding it all in memory."""
        self._portal_call(self._response.stream_to_file, file, chunk_size=chunk_size)

    write_to_file = stream_to_file

    # -- lifetime ------------------------------------------------------------------------------------

    def close(self) -> None:
        """Release the connection; idempotent."""
        if not self._response.is_closed:
            self._portal_call(self._response.aclose)

    def __enter__(self) -> SyncAPIResponse[T]:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        info = self._response.request_info
        return f"<SyncAPIResponse [{self.status_code}] {info.method} {info.url}>"

    def _portal_call(self, fn: Callable[P, Awaitable[R]], /, *args: P.args, **kwargs: P.kwargs) -> R:
        return self._client._portal.call(fn, *args, **kwargs)


class ResponseContextManager(Generic[T]):
    """What ``with_streaming_response`` methods return: ``with`` sends the request and yields the
    unread `SyncAPIResponse`; leaving the block closes it."""

    __slots__ = ("_open", "_response")

    def __init__(self, open_response: Callable[[], SyncAPIResponse[T]]) -> None:
        self._open = open_response
        self._response: SyncAPIResponse[T] | None = None

    def __enter__(self) -> SyncAPIResponse[T]:
        if self._response is not None:
            raise RuntimeError("this response context manager was already entered")
        self._response = self._open()
        return self._response

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._response is not None:
            self._response.close()
