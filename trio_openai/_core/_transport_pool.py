"""trio_openai's connection pool: httpcore2's pool, with every connection it creates guarded, and an
idle stack instead of a scan of every connection per request.

``Pool`` is an ``httpcore2.AsyncConnectionPool`` whose ``create_connection`` wraps what httpcore2 builds
(direct, HTTP-proxy forward or tunnel, SOCKS) in :class:`GuardedConnection`, so a connection left out
of step by a server that sent more than it declared is closed instead of being handed to the next
caller, and closes the sockets of a connection set-up that failed half way (see ``_transport_guard``). It
counts its queued requests itself (``queued_requests``).

HTTP/1.1 pools (the default) assign connections themselves. httpcore2's pool walks every connection
twice per request and probes each idle socket (``has_expired`` polls it), so after a burst leaves N idle
connections each request pays for N probes, and it closes surplus idle connections before it serves
queued requests, so a pool wider than its keep-alive bound opens a new connection for a request that
could have taken the one just released. Here instead:

- idle connections sit on a stack (the most recently released on top), each with the time it was
  released; a request takes the top one, and only that one is probed (``has_expired``). A connection
  that fails the probe is closed and the next one is tried;
- requests that find no connection wait in a FIFO queue; a released connection goes to the first
  queued request before anything else, and new connections are opened within ``max_connections``;
- after serving the queue, idle connections beyond ``max_keepalive_connections`` (the oldest first) and
  those idle longer than ``keepalive_expiry`` (from the stack's bottom, by the recorded time, without a
  probe) are closed.

So a request costs O(1) pool work whatever the number of connections. Closing happens shielded (each close
bounded by ``_cleanup.shielded``); a request cancelled while it waits leaves the queue, and a connection it was given but never
used goes back to the stack (or is dropped if it never connected). HTTP/2 pools (``http2=True``) keep
httpcore2's algorithm: a multiplexed connection is shared, not handed out.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Mapping, MutableMapping
from contextlib import aclosing
from types import AsyncGeneratorType
from typing import Any, cast

import httpcore2
import trio

from ._cleanup import shielded
from ._transport_guard import GuardCounters, GuardedConnection, TrackingBackend

__all__ = ["Pool"]

_Connection = httpcore2.AsyncConnectionInterface


def _extensions(message: httpcore2.Request | httpcore2.Response) -> MutableMapping[str, Any]:
    return cast(MutableMapping[str, Any], message.extensions)  # pyright: ignore[reportUnknownMemberType]


class _Waiter:
    """A request in the pool: the connection it was given, and the event that says so."""

    __slots__ = ("connection", "event", "origin")

    def __init__(self, origin: httpcore2.Origin) -> None:
        self.origin = origin
        self.connection: _Connection | None = None
        self.event = trio.Event()

    def give(self, connection: _Connection) -> None:
        self.connection = connection
        self.event.set()


class Pool(httpcore2.AsyncConnectionPool):
    """An httpcore2 pool whose connections never carry a previous response's surplus bytes, and whose
    HTTP/1.1 connections are handed out from an idle stack (see the module docstring)."""

    def __init__(self, **kwargs: object) -> None:
        backend = kwargs.get("network_backend")
        if isinstance(backend, httpcore2.AsyncNetworkBackend):
            kwargs["network_backend"] = TrackingBackend(backend)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.guard = GuardCounters()
        self._idle: list[tuple[_Connection, float]] = []  # (connection, released at), newest last
        self._queue: dict[_Waiter, None] = {}  # waiting requests, oldest first
        self._members: set[_Connection] = set()  # self._connections, for O(1) membership

    @property
    def queued_requests(self) -> int:
        """Requests waiting for a connection (see :class:`GuardCounters`)."""
        return len(self.guard.waiting)

    def create_connection(self, origin: httpcore2.Origin) -> httpcore2.AsyncConnectionInterface:
        return GuardedConnection(super().create_connection(origin), self.guard)

    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response:
        waiting = self.guard.waiting
        waiting.add(id(request))
        try:
            if self._http2:
                return await super().handle_async_request(request)
            return await self._handle_http11(request)
        finally:
            waiting.discard(id(request))  # answered, failed or cancelled: no longer queued

    # --- HTTP/1.1: the idle stack ----------------------------------------------------------------------

    async def _handle_http11(self, request: httpcore2.Request) -> httpcore2.Response:
        scheme = request.url.scheme
        if scheme not in (b"http", b"https", b"ws", b"wss"):
            # httpcore2's own check and message
            return await super().handle_async_request(request)
        timeouts = cast(Mapping[str, float | None], _extensions(request).get("timeout") or {})
        timeout = timeouts.get("pool")
        waiter = _Waiter(request.url.origin)
        closing: list[_Connection] = []
        try:
            while True:
                if not self._queue:
                    self._take(waiter, closing)
                if waiter.connection is None:
                    self._queue[waiter] = None
                if closing:
                    await self._close(closing)
                if waiter.connection is None:
                    if timeout is None:
                        await waiter.event.wait()
                    else:
                        with trio.move_on_after(timeout):
                            await waiter.event.wait()
                        if waiter.connection is None:
                            raise httpcore2.PoolTimeout("timed out waiting for a connection")
                connection = waiter.connection
                assert connection is not None
                try:
                    response = await connection.handle_async_request(request)
                except httpcore2.ConnectionNotAvailable:
                    # given a connection that could no longer take it: let it go, and ask again
                    waiter.connection = None
                    waiter.event = trio.Event()
                    self._release(connection, closing)
                    continue
                break
        except BaseException:
            self._abandon(waiter, closing)
            await self._close(closing)
            raise
        assert isinstance(response.stream, AsyncIterable)
        return httpcore2.Response(
            status=response.status,
            headers=response.headers,
            content=_ReleasingStream(response.stream, self, connection),
            extensions=_extensions(response),
        )

    def _take(self, waiter: _Waiter, closing: list[_Connection]) -> None:
        """Give ``waiter`` a connection if one is free or may be opened (no I/O: closing is deferred)."""
        origin = waiter.origin
        idle = self._idle
        while idle:
            for index in range(len(idle) - 1, -1, -1):  # newest first; the top matches in a one-origin pool
                if idle[index][0].can_handle_request(origin):
                    break
            else:
                break
            connection = idle.pop(index)[0]
            if connection.has_expired() or not connection.is_available():
                self._drop(connection, closing)
                continue
            waiter.give(connection)
            return
        if len(self._connections) >= self._max_connections:
            if not idle:
                return  # wait for a release
            self._drop(idle.pop(0)[0], closing)  # an idle connection to another origin makes room
        connection = self.create_connection(origin)
        self._connections.append(connection)
        self._members.add(connection)
        waiter.give(connection)

    def _drop(self, connection: _Connection, closing: list[_Connection]) -> None:
        if connection in self._members:  # else the pool was closed meanwhile
            self._members.discard(connection)
            self._connections.remove(connection)
        if not connection.is_closed() and connection.is_connected():
            closing.append(connection)

    def _release(self, connection: _Connection, closing: list[_Connection]) -> None:
        """``connection`` finished a request (or was never used): reuse it, keep it or drop it."""
        if connection.is_closed() or not connection.is_connected() or not connection.is_idle():
            # closed, failed, never connected (its request was cancelled first), or in a state no other
            # request may use (an upgraded connection): out of the pool
            self._drop(connection, closing)
        elif connection in self._members:
            self._idle.append((connection, time.monotonic()))
        else:
            closing.append(connection)  # the pool was closed while it was in use
        self._serve(closing)
        self._trim(closing)

    def _serve(self, closing: list[_Connection]) -> None:
        queue = self._queue
        while queue and (self._idle or len(self._connections) < self._max_connections):
            waiter = next(iter(queue))
            self._take(waiter, closing)
            if waiter.connection is None:
                return
            del queue[waiter]

    def _trim(self, closing: list[_Connection]) -> None:
        idle = self._idle
        while len(idle) > self._max_keepalive_connections:
            self._drop(idle.pop(0)[0], closing)
        expiry = self._keepalive_expiry
        if expiry is not None and idle:
            deadline = time.monotonic() - expiry
            while idle and idle[0][1] < deadline:  # released before its keep-alive ran out: expired
                self._drop(idle.pop(0)[0], closing)

    def _abandon(self, waiter: _Waiter, closing: list[_Connection]) -> None:
        """``waiter`` leaves the pool (cancelled, timed out or failed) before it has a response."""
        self._queue.pop(waiter, None)
        connection = waiter.connection
        waiter.connection = None
        if connection is not None:
            self._release(connection, closing)
        else:
            self._serve(closing)

    async def _close(self, closing: list[_Connection]) -> None:
        if not closing:
            return
        connections = list(closing)
        closing.clear()
        for connection in connections:
            with shielded():  # each bounded, so one stuck close cannot leave the others open
                await connection.aclose()

    async def aclose(self) -> None:
        self._idle.clear()
        self._members.clear()
        await super().aclose()

    def __repr__(self) -> str:
        if self._http2:
            return super().__repr__()
        idle = sum(1 for c in self._connections if c.is_idle())
        return (
            f"<{type(self).__name__} [Requests: {len(self._queue)} queued | "
            f"Connections: {len(self._connections) - idle} active, {idle} idle]>"
        )


class _ReleasingStream:
    """A response body that hands its connection back to the pool once closed."""

    __slots__ = ("_closed", "_connection", "_pool", "_stream")

    def __init__(self, stream: AsyncIterable[bytes], pool: Pool, connection: _Connection) -> None:
        self._stream = stream
        self._pool = pool
        self._connection = connection
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        iterator = self._stream.__aiter__()
        if not isinstance(iterator, AsyncGeneratorType):
            async for chunk in iterator:
                yield chunk
            return
        async with aclosing(
            cast(AsyncGenerator[bytes, None], iterator)
        ):  # an early exit closes the connection's generator at once
            async for chunk in iterator:
                yield chunk

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        with shielded():
            close = getattr(self._stream, "aclose", None)
            if close is not None:
                await close()
        closing: list[_Connection] = []
        self._pool._release(self._connection, closing)  # pyright: ignore[reportPrivateUsage]
        await self._pool._close(closing)  # pyright: ignore[reportPrivateUsage]
