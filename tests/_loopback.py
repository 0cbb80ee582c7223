"""A tiny HTTP/1.1 server on 127.0.0.1 (trio + h11) for tests that need real sockets.

``async with open_loopback_server(handler) as server`` listens on a dynamic port and stops when the
block ends. ``handler(request)`` returns a :class:`Reply` whose ``parts`` are sent in order: ``bytes``
become one chunk (one write) each, a ``float`` is a pause in seconds, :data:`CUT` drops the connection
mid-body. The server counts accepted connections and client hang-ups (a client that closes its end while
a reply is still being sent), which is how tests see that a cancelled stream really closed its socket.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, Literal

import h11
import msgspec
import trio

__all__ = ["CUT", "LoopbackServer", "Reply", "ServerRequest", "open_loopback_server", "sse_reply"]


class _Cut:
    def __repr__(self) -> str:
        return "CUT"


CUT = _Cut()
Part = bytes | float | _Cut


class ServerRequest:
    def __init__(self, method: str, target: str, headers: dict[str, str], body: bytes) -> None:
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return msgspec.json.decode(self.body)


class Reply:
    def __init__(
        self,
        status: int = 200,
        parts: Sequence[Part] = (),
        *,
        headers: dict[str, str] | None = None,
        framing: Literal["chunked", "length"] = "chunked",
    ) -> None:
        self.status = status
        self.parts = list(parts)
        self.headers = dict(headers or {})
        self.framing = framing


def sse_reply(*parts: Part, status: int = 200, request_id: str = "req_loop") -> Reply:
    return Reply(
        status,
        parts,
        headers={"content-type": "text/event-stream", "x-request-id": request_id},
    )


Handler = Callable[[ServerRequest], "Reply | Awaitable[Reply]"]


class LoopbackServer:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.port = 0
        self.connections = 0  # accepted so far
        self.open_connections = 0
        self.hangups = 0  # clients that closed while a reply was being sent
        self.requests: list[ServerRequest] = []
        self._changed = trio.Event()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _notify(self) -> None:
        self._changed.set()
        self._changed = trio.Event()

    async def wait_for(self, predicate: Callable[[], bool]) -> None:
        """Wait until ``predicate()`` holds (checked after every change the server sees)."""
        while not predicate():
            await self._changed.wait()

    async def serve(self, stream: trio.SocketStream) -> None:
        self.connections += 1
        self.open_connections += 1
        self._notify()
        try:
            await self._serve(stream)
        except (trio.BrokenResourceError, trio.ClosedResourceError, h11.RemoteProtocolError):
            pass
        finally:
            self.open_connections -= 1
            self._notify()
            with trio.CancelScope(shield=True):
                await stream.aclose()

    async def _serve(self, stream: trio.SocketStream) -> None:
        conn = h11.Connection(h11.SERVER)
        while True:
            request = await self._read_request(conn, stream)
            if request is None:
                return
            self.requests.append(request)
            self._notify()
            reply = self.handler(request)
            if inspect.isawaitable(reply):
                reply = await reply
            if not await self._send_reply(conn, stream, reply):
                return
            if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                return
            conn.start_next_cycle()

    @staticmethod
    async def _read_request(conn: h11.Connection, stream: trio.SocketStream) -> ServerRequest | None:
        head: h11.Request | None = None
        body = bytearray()
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await stream.receive_some(65536)
                conn.receive_data(data)  # b"" tells h11 the client closed
                continue
            if isinstance(event, h11.Request):
                head = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                assert head is not None
                headers = {k.decode().lower(): v.decode() for k, v in head.headers}
                return ServerRequest(head.method.decode(), head.target.decode(), headers, bytes(body))
            else:  # ConnectionClosed or PAUSED
                return None

    async def _send_reply(self, conn: h11.Connection, stream: trio.SocketStream, reply: Reply) -> bool:
        """Send ``reply``; False if the connection must end (cut, or the client went away)."""
        headers = list(reply.headers.items())
        if reply.framing == "length":
            size = sum(len(p) for p in reply.parts if isinstance(p, bytes))
            headers.append(("content-length", str(size)))
        else:
            headers.append(("transfer-encoding", "chunked"))
        await stream.send_all(conn.send(h11.Response(status_code=reply.status, headers=headers)))
        went_away = False
        async with trio.open_nursery() as nursery:

            async def watch() -> None:
                # The client sends nothing while it waits for this reply: b"" means it closed its end.
                nonlocal went_away
                try:
                    data = await stream.receive_some(65536)
                except (trio.BrokenResourceError, trio.ClosedResourceError):
                    data = b""
                if not data:
                    went_away = True
                    nursery.cancel_scope.cancel()
                else:  # a request sent early (not expected from our client): keep it for h11
                    conn.receive_data(data)

            nursery.start_soon(watch)
            try:
                for part in reply.parts:
                    if isinstance(part, _Cut):
                        return False
                    if isinstance(part, bytes):
                        await stream.send_all(conn.send(h11.Data(data=part)))
                    else:
                        await trio.sleep(part)
                await stream.send_all(conn.send(h11.EndOfMessage()))
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                went_away = True
            finally:
                if not went_away:
                    nursery.cancel_scope.cancel()
        if went_away:
            self.hangups += 1
            self._notify()
            return False
        return True


@asynccontextmanager
async def open_loopback_server(handler: Handler) -> AsyncIterator[LoopbackServer]:
    server = LoopbackServer(handler)
    async with trio.open_nursery() as nursery:
        listeners: list[trio.SocketListener] = await nursery.start(
            partial(trio.serve_tcp, server.serve, 0, host="127.0.0.1")
        )
        server.port = listeners[0].socket.getsockname()[1]
        try:
            yield server
        finally:
            nursery.cancel_scope.cancel()
