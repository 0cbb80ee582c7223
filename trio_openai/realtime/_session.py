"""AsyncWebSocketSession: JSON events over an open trio-websocket connection, decoded into one type.

The transport half of every WebSocket session the client opens (Realtime, Responses in WebSocket mode,
Live, Realtime translations): sending (a frame is never cut in half by a cancellation), receiving,
keepalive pings, closing, and the typed close errors. :class:`AsyncRealtimeConnection` adds the Realtime
event helpers on top.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

import msgspec
import trio

from .._core._cleanup import shielded
from .._core._decoding import decoder_for
from .._core._request import encode_json
from ._errors import KEEPALIVE_TIMEOUT_REASON, RealtimeEventDecodeError, WebSocketConnectionClosedError

if TYPE_CHECKING:
    from trio_websocket import WebSocketConnection

__all__ = ["AsyncWebSocketSession", "ClientEvent", "EventT", "decode_event", "encode_event"]

EventT = TypeVar("EventT")

#: What ``send`` takes: a mapping (one of the typed ``*Param`` TypedDicts, or any dict) or a Struct.
ClientEvent: TypeAlias = "Mapping[str, Any] | msgspec.Struct"


def encode_event(event: object) -> str:
    """A client event as the JSON text of one WebSocket text frame."""
    return encode_json(event).decode("utf-8")


def decode_event(data: str | bytes, event_type: Any) -> Any:
    """Decode one server message into ``event_type`` (cached decoder). Raises
    :class:`RealtimeEventDecodeError` (carrying the raw message) when it is not JSON or has the wrong
    shape."""
    try:
        return decoder_for(event_type).decode(data)
    except msgspec.DecodeError as exc:  # ValidationError is a DecodeError too
        kind = "wrong shape" if isinstance(exc, msgspec.ValidationError) else "not JSON"
        raise RealtimeEventDecodeError(data, f"{kind}: {exc}") from None


class AsyncWebSocketSession(Generic[EventT]):
    """An open WebSocket session whose server messages are JSON events of one type.

    * ``await session.send(event)``: one client event (a dict, a ``*Param`` TypedDict or a Struct).
    * ``await session.recv()``: the next server event, decoded; ``recv_bytes()`` for the raw JSON;
      ``async for event in session`` until the connection closes normally.
    * Once the connection is closed, ``send`` raises :class:`WebSocketConnectionClosedError`, and so does
      ``recv`` after handing out the events that arrived before the close.
    * A message that does not decode makes ``recv`` raise :class:`RealtimeEventDecodeError` with the raw
      text; the session stays usable.

    Cancellation: a ``trio.move_on_after`` around ``recv`` loses no event; ``send`` finishes the frame it
    started (bounded by ``write_timeout``) and then lets the cancellation through.
    """

    def __init__(
        self, websocket: WebSocketConnection, *, event_type: Any, write_timeout: float | None = None
    ) -> None:
        from trio_websocket import ConnectionClosed  # loaded with the session, never at import

        self._ws = websocket
        self._event_type = event_type
        self._connection_closed = ConnectionClosed
        self._write_timeout = math.inf if write_timeout is None else write_timeout
        self._local_close: tuple[int, str] | None = None

    @property
    def websocket(self) -> WebSocketConnection:
        """The underlying ``trio_websocket.WebSocketConnection`` (for ``ping()``, the handshake headers...)."""
        return self._ws

    @property
    def closed(self) -> bool:
        return self._ws.closed is not None

    # --- sending ------------------------------------------------------------------------------------

    async def send(self, event: ClientEvent) -> None:
        """Send one client event. Raises :class:`WebSocketConnectionClosedError` if the connection is closed."""
        await self._send_text(encode_event(event))

    async def _send_text(self, data: str) -> None:
        # A frame cut in half by a cancellation would corrupt the stream: the write is shielded (with
        # its own bound), and a cancellation that arrived meanwhile is delivered right after it.
        with shielded(self._write_timeout) as scope:
            try:
                await self._ws.send_message(data)
            except self._connection_closed as exc:
                raise self._closed_error(exc) from None
        if scope.cancelled_caught:  # the write stalled past write_timeout: the stream is unusable
            await self._abort(1006, "write timed out")
            raise WebSocketConnectionClosedError(1006, "write timed out", by_client=True)
        await trio.lowlevel.checkpoint_if_cancelled()

    # --- receiving ----------------------------------------------------------------------------------

    async def recv_bytes(self) -> bytes:
        """The next message as it came, encoded as bytes (no decoding)."""
        message = await self._next_message()
        return message.encode("utf-8") if isinstance(message, str) else message

    async def recv(self) -> EventT:
        """The next server event, decoded."""
        return self.parse_event(await self._next_message())

    def parse_event(self, data: str | bytes) -> EventT:
        """Decode a message got from ``recv_bytes`` (or elsewhere) into a server event."""
        event: EventT = decode_event(data, self._event_type)
        return event

    async def _next_message(self) -> str | bytes:
        try:
            return await self._ws.get_message()
        except self._connection_closed as exc:
            raise self._closed_error(exc) from None

    def __aiter__(self) -> AsyncWebSocketSession[EventT]:
        return self

    async def __anext__(self) -> EventT:
        """The next event; the iteration ends when the connection closes normally (the client closed
        it, or the server with 1000 / 1001) and raises :class:`WebSocketConnectionClosedError` otherwise."""
        try:
            return await self.recv()
        except WebSocketConnectionClosedError as exc:
            if exc.normal:
                raise StopAsyncIteration from None
            raise

    async def next_event(self) -> EventT | None:
        """The next event, or ``None`` where the iteration would end (used by the blocking session)."""
        try:
            return await self.__anext__()
        except StopAsyncIteration:
            return None

    # --- keepalive ------------------------------------------------------------------------------------

    async def _keepalive(self, interval: float, pong_timeout: float) -> None:
        """Ping every ``interval`` seconds; drop the connection if a pong takes over ``pong_timeout``. Runs in
        the connection's nursery, so it ends with the connection."""
        while True:
            await trio.sleep(interval)
            with trio.move_on_after(pong_timeout) as waited:
                try:
                    await self._ws.ping()
                except self._connection_closed:
                    return
            if waited.cancelled_caught:
                await self._abort(1011, KEEPALIVE_TIMEOUT_REASON)
                return

    # --- closing --------------------------------------------------------------------------------------

    async def close(self, *, code: int = 1000, reason: str = "") -> None:
        """Close the connection (idempotent). Events not read yet are dropped; ``recv`` then raises
        :class:`WebSocketConnectionClosedError` with this code and reason."""
        if self._ws.closed is None and self._local_close is None:
            self._local_close = (code, reason)
        await self._ws.aclose(code, reason or None)

    async def _abort(self, code: int, reason: str) -> None:
        """Drop the network connection without a closing handshake; ``recv`` and ``send`` then raise
        :class:`WebSocketConnectionClosedError` with ``code`` and ``reason``."""
        if self._local_close is None:
            self._local_close = (code, reason)
        with trio.CancelScope() as scope:
            scope.cancel()
            await self._ws.aclose(1011)  # cancelled at once: closes the stream without waiting

    def _closed_error(self, exc: Exception) -> WebSocketConnectionClosedError:
        if self._local_close is not None:
            code, reason = self._local_close
            return WebSocketConnectionClosedError(code, reason, by_client=True)
        close = getattr(exc, "reason", None) or self._ws.closed
        if close is None:
            return WebSocketConnectionClosedError(1006, "", by_client=False)
        return WebSocketConnectionClosedError(close.code, close.reason or "", by_client=False)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<{type(self).__name__} {state}>"
