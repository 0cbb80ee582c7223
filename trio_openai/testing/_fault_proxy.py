"""``open_fault_proxy``: a TCP proxy on 127.0.0.1 that injects network faults between a client and a server.

    async with open_fake_server() as server, open_fault_proxy(server.base_url) as proxy:
        proxy.schedule(Faults(reset_after=100))        # the next connection is reset after 100 bytes
        client = AsyncOpenAI(base_url=proxy.base_url)  # ...the retry's new connection is clean
        await client.models.list()
        assert proxy.stats.resets == 1

It works at the byte level, so it sits in front of any server (the fake server, Steady, nginx) and
behind any client. Each accepted connection takes the next :class:`Faults` queued with
``schedule(...)``, or ``proxy.faults`` (no faults unless set) once the queue is empty. Faults act on
what the server sends the client (``latency`` and ``bandwidth`` on both directions): delay each
piece, limit the rate, dribble in small pieces, reset (RST) or close (FIN) after N bytes, insert
bytes at an offset, or close the connection when the client starts its N+1-th request on it.

Everything runs in a nursery bounded by the ``async with``; leaving it closes the listener and every
connection. Connections to the upstream are plain TCP (put the proxy in front of an ``http://`` URL).
"""

from __future__ import annotations

import socket
import struct
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from urllib.parse import urlsplit, urlunsplit

import trio

__all__ = ["FaultProxy", "FaultProxyStats", "Faults", "open_fault_proxy"]

_HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True, kw_only=True)
class Faults:
    """What the proxy does to one connection. The default is nothing: bytes pass through as they come.

    * ``latency``: seconds to wait before forwarding each piece, in both directions.
    * ``bandwidth``: bytes per second, in both directions (``None``: unlimited).
    * ``chunk_size``: the largest piece forwarded at once; ``1`` dribbles the bytes one by one.
    * ``reset_after``: after this many bytes reached the client, reset the connection (TCP RST).
    * ``truncate_after``: after this many bytes reached the client, close it cleanly (FIN).
    * ``inject`` / ``inject_at``: insert these bytes into what the server sends, at this offset
      (``inject_at=0`` before the status line: malformed HTTP; past the end of a response: bytes beyond
      its ``Content-Length``).
    * ``close_after_requests``: close the connection when the client starts request N+1 on it (a server
      that dropped an idle keep-alive connection just as the client reused it). Requests are counted
      each time the client sends after the server answered, as HTTP/1.1 clients without pipelining do.
    """

    latency: float = 0.0
    bandwidth: float | None = None
    chunk_size: int = 65536
    reset_after: int | None = None
    truncate_after: int | None = None
    inject: bytes = b""
    inject_at: int = 0
    close_after_requests: int | None = None

    def __post_init__(self) -> None:
        if self.latency < 0:
            raise ValueError("latency cannot be negative")
        if self.bandwidth is not None and not self.bandwidth > 0:
            raise ValueError("bandwidth must be > 0 bytes per second (or None)")
        if self.chunk_size < 1:
            raise ValueError("chunk_size must be >= 1")
        for name in ("reset_after", "truncate_after", "close_after_requests"):
            value: int | None = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} cannot be negative")
        if self.reset_after is not None and self.truncate_after is not None:
            raise ValueError("Faults takes one of reset_after= or truncate_after=")
        if self.inject_at < 0:
            raise ValueError("inject_at cannot be negative")


@dataclass(frozen=True, slots=True)
class FaultProxyStats:
    """Counters of a :class:`FaultProxy` (a snapshot)."""

    connections_opened: int = 0
    connections_open: int = 0
    #: bytes forwarded client -> server, and server -> client (injected bytes included)
    bytes_up: int = 0
    bytes_down: int = 0
    resets: int = 0
    truncations: int = 0
    #: connections closed by ``close_after_requests``
    closed_between_requests: int = 0
    #: upstream connections that could not be opened (the client's connection is then closed)
    upstream_failures: int = 0


class _Stop(Exception):
    """A fault ended the connection (raised inside a pump, caught by the connection)."""


class FaultProxy:
    """A running proxy; made by :func:`open_fault_proxy`."""

    def __init__(self, upstream: tuple[str, int], port: int, url: str | None) -> None:
        self.upstream = upstream
        self.port = port
        #: the faults of every new connection once the ``schedule`` queue is empty
        self.faults: Faults = Faults()
        self._queue: deque[Faults] = deque()
        self._url = url
        self._stats = FaultProxyStats()

    @property
    def base_url(self) -> str:
        """The upstream URL given to ``open_fault_proxy`` with the proxy's host and port in it."""
        if self._url is None:
            return f"http://{_HOST}:{self.port}"
        parts = urlsplit(self._url)
        return urlunsplit(parts._replace(scheme="http", netloc=f"{_HOST}:{self.port}"))

    @property
    def stats(self) -> FaultProxyStats:
        return self._stats

    def schedule(self, *faults: Faults) -> None:
        """Queue faults for the next connections, one each, first in, first out."""
        self._queue.extend(faults)

    @property
    def pending(self) -> int:
        """Scheduled faults not yet taken by a connection."""
        return len(self._queue)

    def _count(self, **deltas: int) -> None:
        stats = self._stats
        self._stats = replace(stats, **{name: getattr(stats, name) + delta for name, delta in deltas.items()})

    def __repr__(self) -> str:
        s = self._stats
        return (
            f"<FaultProxy 127.0.0.1:{self.port} -> {self.upstream[0]}:{self.upstream[1]}"
            f" connections={s.connections_open}/{s.connections_opened} resets={s.resets}>"
        )

    async def _serve(self, client: trio.SocketStream) -> None:
        faults = self._queue.popleft() if self._queue else self.faults
        self._count(connections_opened=1, connections_open=1)
        try:
            try:
                server = await trio.open_tcp_stream(*self.upstream)
            except OSError:
                self._count(upstream_failures=1)
                return
            try:
                await _Connection(self, faults, client, server).run()
            finally:
                await trio.aclose_forcefully(server)
        finally:
            await trio.aclose_forcefully(client)
            self._count(connections_open=-1)


class _Connection:
    def __init__(
        self, proxy: FaultProxy, faults: Faults, client: trio.SocketStream, server: trio.SocketStream
    ) -> None:
        self.proxy = proxy
        self.faults = faults
        self.client = client
        self.server = server
        self.down = 0  # bytes sent to the client
        self.injected = not faults.inject
        self.server_spoke = True  # so the first bytes from the client count as request 1
        self.requests = 0

    async def run(self) -> None:
        try:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(self._up)
                nursery.start_soon(self._down)
        except* (_Stop, trio.BrokenResourceError, trio.ClosedResourceError):
            pass

    async def _send(self, stream: trio.SocketStream, data: bytes) -> None:
        faults = self.faults
        size = faults.chunk_size
        for start in range(0, len(data), size):
            piece = data[start : start + size]
            if faults.latency:
                await trio.sleep(faults.latency)
            await stream.send_all(piece)
            if faults.bandwidth is not None:
                await trio.sleep(len(piece) / faults.bandwidth)

    async def _up(self) -> None:
        limit = self.faults.close_after_requests
        while data := await self.client.receive_some(self.faults.chunk_size):
            if self.server_spoke:
                self.server_spoke = False
                self.requests += 1
                if limit is not None and self.requests > limit:
                    self.proxy._count(closed_between_requests=1)
                    raise _Stop
            await self._send(self.server, data)
            self.proxy._count(bytes_up=len(data))
        await _send_eof(self.server)

    async def _down(self) -> None:
        faults = self.faults
        cut = faults.reset_after if faults.reset_after is not None else faults.truncate_after
        while data := await self.server.receive_some(faults.chunk_size):
            if not self.injected and self.down + len(data) >= faults.inject_at:
                at = faults.inject_at - self.down
                data = data[:at] + faults.inject + data[at:]
                self.injected = True
            if cut is not None and self.down + len(data) >= cut:
                await self._deliver(data[: cut - self.down])
                await self._end()
            await self._deliver(data)
        await _send_eof(self.client)

    async def _deliver(self, data: bytes) -> None:
        if data:
            self.server_spoke = True
            await self._send(self.client, data)
            self.down += len(data)
            self.proxy._count(bytes_down=len(data))

    async def _end(self) -> None:
        if self.faults.reset_after is not None:
            self.client.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.proxy._count(resets=1)
        else:
            self.proxy._count(truncations=1)
        raise _Stop


async def _send_eof(stream: trio.SocketStream) -> None:
    try:
        await stream.send_eof()
    except (trio.BrokenResourceError, trio.ClosedResourceError, OSError):
        pass


def _upstream(target: str | tuple[str, int]) -> tuple[tuple[str, int], str | None]:
    if isinstance(target, tuple):
        return target, None
    parts = urlsplit(target)
    if parts.hostname is None or parts.scheme not in ("http", "ws"):
        raise ValueError(f"the fault proxy needs an http:// URL or a (host, port) pair, not {target!r}")
    return (parts.hostname, parts.port or 80), target


@asynccontextmanager
async def open_fault_proxy(
    upstream: str | tuple[str, int], *, faults: Faults | None = None
) -> AsyncGenerator[FaultProxy, None]:
    """Run a fault-injecting proxy to ``upstream`` (an ``http://`` URL or a ``(host, port)`` pair) for the
    duration of the block, listening on 127.0.0.1 on an ephemeral port (``proxy.port``,
    ``proxy.base_url``). ``faults`` sets ``proxy.faults``, the faults of every connection."""
    address, url = _upstream(upstream)
    listeners = await trio.open_tcp_listeners(0, host=_HOST)
    port: int = listeners[0].socket.getsockname()[1]
    proxy = FaultProxy(address, port, url)
    if faults is not None:
        proxy.faults = faults
    async with trio.open_nursery() as nursery:
        await nursery.start(trio.serve_listeners, proxy._serve, listeners)
        try:
            yield proxy
        finally:
            nursery.cancel_scope.cancel()
