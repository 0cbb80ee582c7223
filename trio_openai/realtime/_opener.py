"""Open a client WebSocket with its reader task in our own nursery (trio-websocket's connection, our opener).

trio-websocket's ``open_websocket_url`` is almost what a session needs, but in 0.12 it leaves the socket
open when the server rejects the handshake or closes first, and a handshake that times out waits for a
server that never answers. This opener owns the stream, so it always closes it, and bounds the whole
handshake (TCP, TLS and the HTTP upgrade) by ``connect_timeout``. Exceptions come out plain, not as
exception groups.

It imports trio-websocket, so it is imported only when a session opens.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import NamedTuple
from urllib.parse import urlsplit

import trio
from trio_websocket import HandshakeError, WebSocketConnection
from wsproto import ConnectionType, WSConnection

from .._core._groups import unwrap_single
from ._handshake import Handshake

__all__ = ["HandshakeTimeout", "OpenWebSocket", "open_websocket"]


class HandshakeTimeout(HandshakeError):
    """The handshake did not finish within ``connect_timeout``."""


class OpenWebSocket(NamedTuple):
    """What ``open_websocket`` yields: the connection, and the nursery that runs its reader, where the
    caller may start tasks that live no longer than the connection (the keepalive)."""

    websocket: WebSocketConnection
    nursery: trio.Nursery


async def _open_stream(host: str, port: int, shake: Handshake) -> trio.abc.Stream:
    if shake.ssl_context is None:
        return await trio.open_tcp_stream(host, port)
    return await trio.open_ssl_over_tcp_stream(
        host, port, ssl_context=shake.ssl_context, https_compatible=True
    )


@asynccontextmanager
async def open_websocket(
    shake: Handshake,
    *,
    message_queue_size: int,
    max_message_size: int,
    connect_timeout: float,
    close_timeout: float,
) -> AsyncGenerator[OpenWebSocket]:
    """Connect, handshake, yield the open connection (with its nursery); on the way out close it (bounded by
    ``close_timeout``), stop its reader and close the stream. Raises ``HandshakeTimeout``,
    ``trio_websocket.ConnectionRejected`` or ``HandshakeError`` (network errors) while opening."""
    parts = urlsplit(shake.url)
    host = parts.hostname or ""
    secure = parts.scheme == "wss"
    port = parts.port or (443 if secure else 80)
    resource = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = host if parts.port is None else f"{host}:{port}"
    stream: trio.abc.Stream | None = None
    ws: WebSocketConnection | None = None
    try:
        with unwrap_single():
            async with trio.open_nursery() as nursery:
                with trio.move_on_after(connect_timeout) as deadline:
                    try:
                        stream = await _open_stream(host, port, shake)
                    except OSError as exc:
                        raise HandshakeError(f"cannot connect to {host_header}: {exc}") from exc
                    ws = WebSocketConnection(
                        stream,
                        WSConnection(ConnectionType.CLIENT),
                        host=host_header,
                        path=resource,
                        client_extra_headers=shake.headers,
                        message_queue_size=message_queue_size,
                        max_message_size=max_message_size,
                    )
                    nursery.start_soon(_read, ws)
                    await ws._open_handshake.wait()
                if deadline.cancelled_caught or ws is None:
                    raise HandshakeTimeout(f"the WebSocket handshake with {host_header} timed out")
                if ws.closed is not None:  # the server hung up before answering
                    raise HandshakeError(f"{host_header} closed the connection during the handshake")
                try:
                    yield OpenWebSocket(ws, nursery)
                finally:
                    with trio.move_on_after(close_timeout):
                        await ws.aclose()
                    nursery.cancel_scope.cancel()  # the reader would wait for the server's TCP close
    finally:
        if stream is not None:
            await trio.aclose_forcefully(stream)


async def _read(ws: WebSocketConnection) -> None:
    await ws._reader_task()
    # The reader ended without an error: if that was before the handshake, wake the opener (which then
    # sees the connection closed). An error (a rejection) cancels the opener through the nursery instead.
    ws._open_handshake.set()
