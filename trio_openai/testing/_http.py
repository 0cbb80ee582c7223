"""One HTTP/1.1 connection of the fake server: h11 over a trio stream, acting out each ``Reply``.

Every wait here is bounded: reads and writes by ``idle_timeout``, delays by the reply itself, and
all of it by the server's nursery, which closes the connection when the server stops.
"""

from __future__ import annotations

import contextlib
import enum
import http
import math
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Protocol

import h11
import trio

from ._reply import Reply

__all__ = ["App", "Incoming", "serve_connection"]

_READ_SIZE = 65_536
_FRAMING = frozenset({"content-length", "transfer-encoding"})


@dataclass(frozen=True, slots=True)
class Incoming:
    """A request as read off the wire, before the server records it."""

    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    raw: bytes = b""
    """For an upgrade request only: the request's bytes, for the protocol that takes over."""

    @property
    def is_websocket_upgrade(self) -> bool:
        upgrade = [value.lower() for name, value in self.headers if name.lower() == "upgrade"]
        return self.method == "GET" and "websocket" in upgrade


class App(Protocol):
    """What a connection needs from the server."""

    @property
    def idle_timeout(self) -> float: ...

    def answer(self, incoming: Incoming, connection_id: int) -> tuple[Reply, list[tuple[str, str]]]:
        """Record the request; return the reply and the complete response headers."""
        ...

    def client_gone(self) -> None:
        """The client left while its response was pending or being sent."""
        ...

    async def serve_websocket(self, stream: trio.abc.Stream, incoming: Incoming, connection_id: int) -> None:
        """Take over ``stream`` for a WebSocket upgrade; ``incoming.raw`` is the request as read."""
        ...


class _ClientGone(Exception):
    pass


class _Outcome(enum.Enum):
    COMPLETE = enum.auto()
    DROPPED = enum.auto()


async def serve_connection(stream: trio.abc.Stream, connection_id: int, app: App) -> None:
    """Serve requests on ``stream`` until either side closes it; never raises for client misbehaviour."""
    wire = _Wire(stream, app.idle_timeout)
    try:
        while True:
            incoming = await wire.read_request()
            if incoming is None:
                return
            if incoming.is_websocket_upgrade:
                await app.serve_websocket(stream, wire.upgrade(incoming), connection_id)
                return
            reply, headers = app.answer(incoming, connection_id)
            if await _act_out(wire, reply, headers, with_body=incoming.method != "HEAD") is _Outcome.DROPPED:
                return
            if wire.conn.our_state is not h11.DONE or wire.conn.their_state is not h11.DONE:
                return
            wire.conn.start_next_cycle()
    except _ClientGone:
        app.client_gone()
    except h11.RemoteProtocolError as problem:
        await wire.send_protocol_error(problem)
    except h11.LocalProtocolError:
        pass  # a reply HTTP/1.1 cannot carry (say, a header value that is not latin-1): just hang up
    finally:
        await trio.aclose_forcefully(stream)


async def _act_out(wire: _Wire, reply: Reply, headers: list[tuple[str, str]], *, with_body: bool) -> _Outcome:
    await wire.pause(reply.delay)
    if reply.drop == "before_headers":
        return _Outcome.DROPPED
    framed = [(name, value) for name, value in headers if name.lower() not in _FRAMING]
    streamed = reply.chunks is not None or reply.live is not None
    body = b"" if streamed else reply.payload()
    if streamed:
        framed.append(("transfer-encoding", "chunked"))
    elif reply.status not in (204, 304):
        framed.append(("content-length", str(len(body))))
    await wire.send(h11.Response(status_code=reply.status, headers=framed, reason=_reason(reply.status)))
    if reply.drop == "after_headers":
        return _Outcome.DROPPED
    if with_body:
        await _send_body(wire, reply, body)
    if reply.drop == "mid_body":
        return _Outcome.DROPPED
    await wire.send(h11.EndOfMessage())
    return _Outcome.COMPLETE


async def _send_body(wire: _Wire, reply: Reply, body: bytes) -> None:
    """The body, piece by piece for ``chunks``; only the first half of it for a ``mid_body`` drop."""
    if reply.live is not None:
        await _send_live(wire, reply.live)
        return
    if reply.chunks is not None:
        for index, piece in enumerate(reply.chunks):
            if index:
                await wire.pause(reply.chunk_delay)
            if piece:
                await wire.send(h11.Data(data=piece))
        return
    if reply.drop == "mid_body":
        body = body[: len(body) // 2]
    if body:
        await wire.send(h11.Data(data=body))


async def _send_live(wire: _Wire, live: Callable[[], AsyncGenerator[bytes]]) -> None:
    """Send the pieces as the source gives them, watching the socket meanwhile: a client that goes
    away while the source waits ends the source (``_ClientGone``) instead of leaving it waiting."""
    left = False
    async with trio.open_nursery() as nursery:

        async def watch() -> None:
            nonlocal left
            try:
                await wire.pause(math.inf)
            except _ClientGone:
                left = True
                nursery.cancel_scope.cancel()

        nursery.start_soon(watch)
        try:
            async with contextlib.aclosing(live()) as pieces:
                async for piece in pieces:
                    if piece:
                        await wire.send(h11.Data(data=piece))
        except _ClientGone:
            left = True
        nursery.cancel_scope.cancel()
    if left:
        raise _ClientGone


def _reason(status: int) -> bytes:
    try:
        return http.HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


class _Wire:
    """The socket plus its h11 state machine, with bounded reads and writes."""

    def __init__(self, stream: trio.abc.Stream, idle_timeout: float) -> None:
        self.stream = stream
        self.conn = h11.Connection(h11.SERVER)
        self._idle_timeout = idle_timeout

    async def read_request(self) -> Incoming | None:
        """The next complete request, or None when the client closes (or idles out) between requests."""
        request: h11.Request | None = None
        body = bytearray()
        while True:
            event = self.conn.next_event()
            if event is h11.NEED_DATA:
                if self.conn.they_are_waiting_for_100_continue:
                    await self.send(h11.InformationalResponse(status_code=100, headers=[]))
                data = await self._receive()
                if data is None:
                    return None
                self.conn.receive_data(data)
            elif isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage) and request is not None:
                return Incoming(
                    method=request.method.decode("ascii"),
                    target=request.target.decode("ascii"),
                    headers=[
                        (name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers
                    ],
                    body=bytes(body),
                )
            else:  # ConnectionClosed, or PAUSED on a connection that must close
                return None

    def upgrade(self, incoming: Incoming) -> Incoming:
        """``incoming`` with its raw bytes (request line, headers and whatever followed), for the
        protocol that takes the connection over from h11."""
        head = f"{incoming.method} {incoming.target} HTTP/1.1\r\n"
        lines = "".join(f"{name}: {value}\r\n" for name, value in incoming.headers)
        trailing, _ = self.conn.trailing_data
        raw = (head + lines + "\r\n").encode("latin-1") + incoming.body + bytes(trailing)
        return Incoming(incoming.method, incoming.target, incoming.headers, incoming.body, raw)

    async def _receive(self) -> bytes | None:
        with trio.move_on_after(self._idle_timeout):
            try:
                return bytes(await self.stream.receive_some(_READ_SIZE))
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                return None
        return None

    async def send(self, event: h11.Event) -> None:
        data = self.conn.send(event)
        if not data:
            return
        with trio.move_on_after(self._idle_timeout) as scope:
            try:
                await self.stream.send_all(data)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                raise _ClientGone from None
        if scope.cancelled_caught:
            raise _ClientGone

    async def pause(self, seconds: float) -> None:
        """Wait ``seconds`` of trio time, watching the socket: raise _ClientGone if the client leaves."""
        if seconds <= 0:
            return
        with trio.move_on_after(seconds):
            while True:
                try:
                    data = await self.stream.receive_some(_READ_SIZE)
                except (trio.BrokenResourceError, trio.ClosedResourceError):
                    raise _ClientGone from None
                if not data:
                    raise _ClientGone
                self.conn.receive_data(bytes(data))  # an early next request waits in h11's buffer

    async def send_protocol_error(self, problem: h11.RemoteProtocolError) -> None:
        """Best effort 400 (or the status h11 suggests) for a request that broke HTTP/1.1."""
        if self.conn.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return
        reply = Reply.error(problem.error_status_hint, f"Malformed HTTP request: {problem}")
        body = reply.payload()
        headers = [
            ("content-type", "application/json"),
            ("content-length", str(len(body))),
            ("connection", "close"),
        ]
        try:
            await self.send(h11.Response(status_code=reply.status, headers=headers))
            await self.send(h11.Data(data=body))
            await self.send(h11.EndOfMessage())
        except (_ClientGone, h11.LocalProtocolError):
            pass
