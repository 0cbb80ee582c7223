"""Never hand a poisoned HTTP/1.1 connection to the next caller.

A server that sends more bytes than a response declared (a Content-Length shorter than the body, or
garbage after a chunked body's end) leaves those bytes in h11's receive buffer. httpcore2 then starts
the next request cycle on that connection without looking at them, so the *next* request on the
kept-alive connection reads the surplus as its response: a wrong answer, silently.

:class:`GuardedConnection` wraps every connection the pool creates (direct, HTTP proxy, SOCKS) without
changing how httpcore2 builds them. When a response on an HTTP/1.1 connection is closed and the
connection went back to idle, it checks h11's ``trailing_data``: any unprocessed byte (or an end of
stream already seen) means the connection is out of step with the server, and it is closed there and
then, before the pool can assign it again. The pool then drops it like any closed connection. HTTP/2
connections need no such check (frames are self-delimiting) and are not touched.

The count of connections dropped this way is kept per pool (``GuardCounters``) for the statistics.

A second leak is closed here too: when a connection fails while it is being set up *after* its TCP
connection opened (a SOCKS5 proxy that refuses the credentials, a TLS handshake through it that fails),
httpcore2's SOCKS connection drops the socket without closing it. :class:`TrackingBackend` notes the
sockets a connection attempt opens (in a context variable of the attempt's task), and
``GuardedConnection`` closes them, shielded, when the attempt fails before a connection was made.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable
from contextvars import ContextVar
from typing import cast

import httpcore2

from ._cleanup import shielded

__all__ = ["GuardCounters", "GuardedConnection", "TrackingBackend", "h11_connection_of"]

_OPENED: ContextVar[list[httpcore2.AsyncNetworkStream] | None] = ContextVar(
    "trio_openai_opened", default=None
)
_SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]


class TrackingBackend(httpcore2.AsyncNetworkBackend):
    """A network backend that records, for the connection attempt in progress, the streams it opens."""

    def __init__(self, backend: httpcore2.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore2's backend interface
        local_address: str | None = None,
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        opened = _OPENED.get()
        if opened is not None:
            opened.append(stream)
        return stream

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore2's backend interface
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        stream = await self._backend.connect_unix_socket(path, timeout=timeout, socket_options=socket_options)
        opened = _OPENED.get()
        if opened is not None:
            opened.append(stream)
        return stream

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class GuardCounters:
    """Mutable counters shared by a pool's connections.

    ``waiting`` holds the ids of the requests inside the pool that no connection has taken yet (the
    pool's queue, counted without reading httpcore2's private request list): the pool adds a request on
    entry and removes it on any exit, cancellation included; a connection removes it when it starts
    sending, and puts it back if it turns out unavailable (httpcore2 then queues the request again)."""

    __slots__ = ("poisoned", "waiting")

    def __init__(self) -> None:
        self.poisoned = 0
        self.waiting: set[int] = set()


def h11_connection_of(connection: object) -> httpcore2.AsyncHTTP11Connection | None:
    """The HTTP/1.1 connection at the bottom of httpcore2's wrappers (``AsyncHTTPConnection``, the
    proxy tunnels and forwarders keep the next one down as ``_connection``), or ``None`` (HTTP/2, or not
    connected yet)."""
    for _ in range(4):  # direct: 1 level; forward proxy: 2 levels
        if isinstance(connection, httpcore2.AsyncHTTP11Connection):
            return connection
        connection = getattr(connection, "_connection", None)
        if connection is None:
            return None
    return None


def _has_surplus(connection: httpcore2.AsyncHTTP11Connection) -> bool:
    state = getattr(connection, "_h11_state", None)
    if state is None:  # pragma: no cover - an httpcore2 that no longer uses h11 this way
        return False
    data, closed = state.trailing_data
    return bool(data) or closed


class _GuardedStream:
    """A response body stream that, once closed, drops its connection if bytes were left over."""

    __slots__ = ("_connection", "_counters", "_stream")

    def __init__(
        self,
        stream: AsyncIterable[bytes],
        connection: httpcore2.AsyncHTTP11Connection,
        counters: GuardCounters,
    ) -> None:
        self._stream = stream
        self._connection = connection
        self._counters = counters

    def __aiter__(self) -> AsyncIterator[bytes]:
        # the inner generator itself, so that whoever iterates it also closes it
        return self._stream.__aiter__()

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()
        connection = self._connection
        if connection.is_idle() and _has_surplus(connection):
            self._counters.poisoned += 1
            await connection.aclose()  # marks it CLOSED first, so the pool never reassigns it


class GuardedConnection(httpcore2.AsyncConnectionInterface):
    """Delegates everything to the httpcore2 connection it wraps; see the module docstring."""

    __slots__ = ("_counters", "_inner")

    def __init__(self, inner: httpcore2.AsyncConnectionInterface, counters: GuardCounters) -> None:
        self._inner = inner
        self._counters = counters

    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response:
        inner = self._inner
        waiting = self._counters.waiting
        waiting.discard(id(request))  # taken off the pool's queue
        fresh = getattr(inner, "_connection", None) is None  # this request will set the connection up
        token = _OPENED.set([]) if fresh else None
        try:
            response = await inner.handle_async_request(request)
        except httpcore2.ConnectionNotAvailable:
            waiting.add(id(request))  # the pool queues it again (and removes it on its way out)
            raise
        except BaseException:
            opened = _OPENED.get() if fresh else None
            if opened and getattr(inner, "_connection", None) is None:  # the set-up failed: close its sockets
                with shielded(5.0):
                    for stream in opened:
                        await stream.aclose()
            raise
        finally:
            if token is not None:
                _OPENED.reset(token)
        h11 = h11_connection_of(self._inner)
        if h11 is not None and response.status != 101 and request.method != b"CONNECT":
            body = cast(AsyncIterable[bytes], response.stream)
            response.stream = _GuardedStream(body, h11, self._counters)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()

    def info(self) -> str:
        return self._inner.info()

    def can_handle_request(self, origin: httpcore2.Origin) -> bool:
        return self._inner.can_handle_request(origin)

    def is_connected(self) -> bool:
        return self._inner.is_connected()

    def is_available(self) -> bool:
        return self._inner.is_available()

    def has_expired(self) -> bool:
        return self._inner.has_expired()

    def is_idle(self) -> bool:
        return self._inner.is_idle()

    def can_multiplex(self) -> bool:
        return self._inner.can_multiplex()

    def is_closed(self) -> bool:
        return self._inner.is_closed()

    def __repr__(self) -> str:
        return repr(self._inner)
