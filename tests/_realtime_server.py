"""A scripted Realtime (WebSocket) server on 127.0.0.1 for tests, on trio-websocket.

``async with open_realtime_server() as server`` listens on a dynamic port until the block ends. It
records every handshake (:class:`Seen`: path, query, headers) and every message a client sends
(``server.received``, decoded JSON). What it does with a connection is ``server.script``, an async
function of the server-side ``WebSocketConnection``; the default answers like a tiny model (see
:func:`answer`). ``server.reject`` makes it refuse handshakes instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgspec
import trio
from trio_websocket import ConnectionClosed, WebSocketConnection, WebSocketRequest, serve_websocket

__all__ = ["RealtimeServer", "Seen", "answer", "event", "open_realtime_server"]

Script = Callable[[WebSocketConnection], Awaitable[None]]


def event(type_: str, **fields: Any) -> str:
    """A server event as JSON text."""
    return msgspec.json.encode({"type": type_, "event_id": f"evt_{type_}", **fields}).decode()


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class RealtimeServer:
    port: int = 0
    seen: list[Seen] = field(default_factory=list[Seen])
    received: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    #: (code, reason) of the close frames clients sent
    closes: list[tuple[int, str | None]] = field(default_factory=list[tuple[int, "str | None"]])
    reject: tuple[int, bytes] | None = None
    script: Script | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def receive(self, ws: WebSocketConnection) -> dict[str, Any] | None:
        """The next client message (recorded), or None once the client closed."""
        try:
            message = await ws.get_message()
        except ConnectionClosed as exc:
            if exc.reason is not None:
                self.closes.append((exc.reason.code, exc.reason.reason))
            return None
        data: dict[str, Any] = msgspec.json.decode(message)
        self.received.append(data)
        return data

    async def _handle(self, request: WebSocketRequest) -> None:
        parts = urlsplit(request.path)
        headers = {k.decode().lower(): v.decode() for k, v in request.headers}
        self.seen.append(Seen(parts.path, parse_qs(parts.query), headers))
        if self.reject is not None:
            status, body = self.reject
            await request.reject(status, extra_headers=[(b"x-request-id", b"req_rej")], body=body)
            return
        ws = await request.accept()
        try:
            if self.script is not None:
                await self.script(ws)
            else:
                await answer(self, ws)
        except ConnectionClosed:  # the client left while we were still talking
            pass


async def answer(server: RealtimeServer, ws: WebSocketConnection) -> None:
    """``session.created`` first, then: ``session.update`` -> ``session.updated``; ``response.create`` ->
    a text response ("Hello" in two deltas); anything else -> an ``error`` event naming it."""
    await ws.send_message(event("session.created", session={"type": "realtime", "id": "sess_1"}))
    while (data := await server.receive(ws)) is not None:
        kind = data.get("type")
        if kind == "session.update":
            await ws.send_message(event("session.updated", session=data["session"]))
        elif kind == "response.create":
            ids = {"response_id": "resp_1", "item_id": "item_1", "output_index": 0, "content_index": 0}
            await ws.send_message(
                event("response.created", response={"id": "resp_1", "status": "in_progress"})
            )
            for piece in ("Hel", "lo"):
                await ws.send_message(event("response.output_text.delta", delta=piece, **ids))
            await ws.send_message(event("response.done", response={"id": "resp_1", "status": "completed"}))
        else:
            error = {"type": "invalid_request_error", "message": f"unexpected {kind}", "event_id": None}
            await ws.send_message(event("error", error=error))


@asynccontextmanager
async def open_realtime_server() -> AsyncIterator[RealtimeServer]:
    server = RealtimeServer()
    async with trio.open_nursery() as nursery:
        ws_server = await nursery.start(serve_websocket, server._handle, "127.0.0.1", 0, None)
        server.port = ws_server.port
        try:
            yield server
        finally:
            nursery.cancel_scope.cancel()
