"""AsyncRealtimeConnection: typed events over an open trio-websocket connection."""

from __future__ import annotations

import math
from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

import msgspec
import trio

from .._core._cleanup import shielded
from .._core._decoding import decoder_for
from .._core._request import encode_json
from ..types.realtime_server_event import RealtimeServerEvent
from ._errors import KEEPALIVE_TIMEOUT_REASON, RealtimeEventDecodeError, WebSocketConnectionClosedError
from ._resources import (
    RealtimeConversationResource,
    RealtimeInputAudioBufferResource,
    RealtimeOutputAudioBufferResource,
    RealtimeResponseResource,
    RealtimeSessionResource,
)

if TYPE_CHECKING:
    from trio_websocket import WebSocketConnection

    from ..types.realtime_client_event_param import RealtimeClientEventParam

__all__ = ["AsyncRealtimeConnection", "ClientEvent", "encode_event", "parse_event"]

#: What ``send`` takes: one of the typed client events, any mapping, or a msgspec Struct.
ClientEvent: TypeAlias = "RealtimeClientEventParam | Mapping[str, Any] | msgspec.Struct"

_Sent: TypeAlias = Coroutine[Any, Any, None]


def encode_event(event: ClientEvent) -> str:
    """A client event as the JSON text of one WebSocket text frame."""
    return encode_json(event).decode("utf-8")


def parse_event(data: str | bytes) -> RealtimeServerEvent:
    """Decode one server event (with the cached decoder of the event union). An event type newer than
    this library decodes as ``trio_openai.types.UnknownVariant`` (``.type`` and ``.raw``), never an error.

    Raises :class:`RealtimeEventDecodeError` (carrying the raw message) when ``data`` is not JSON or is a
    known event of the wrong shape."""
    try:
        return decoder_for(RealtimeServerEvent).decode(data)
    except msgspec.DecodeError as exc:  # ValidationError is a DecodeError too
        kind = "wrong shape" if isinstance(exc, msgspec.ValidationError) else "not JSON"
        raise RealtimeEventDecodeError(data, f"{kind}: {exc}") from None


class AsyncRealtimeConnection:
    """An open Realtime session, made by ``async with client.realtime.connect(...) as conn``.

    * ``await conn.send(event)``: a client event (a dict, one of the ``RealtimeClientEvent*Param``
      TypedDicts or a Struct), or use the typed helpers: ``await conn.session.update(session={...})``,
      ``conn.response.create()``, ``conn.input_audio_buffer.append(audio=...)``, ``conn.conversation.item.create(...)``...
    * ``await conn.recv()``: the next server event, typed (``RealtimeServerEvent``); ``recv_bytes()`` for
      the raw JSON; ``async for event in conn`` until the connection closes normally.
    * A server ``error`` event is an event like any other (``event.type == "error"``, details in
      ``event.error``): most errors leave the session usable, so nothing is raised.
    * Once the connection is closed, ``send`` raises :class:`WebSocketConnectionClosedError`, and so does
      ``recv`` after handing out the events that arrived before the close.
    * A message that is not a valid event makes ``recv`` (and the iteration) raise
      :class:`RealtimeEventDecodeError` with the raw text; the connection stays usable.
    * Keepalive: every ``ping_interval`` seconds of the session a ping goes out; a server that does not
      answer within ``ping_timeout`` is taken as gone: the connection is dropped and ``recv``/``send``
      raise :class:`WebSocketConnectionClosedError` (code 1011, ``"keepalive ping timeout"``).

    Cancellation: a ``trio.move_on_after`` around ``recv`` loses no event and leaves the connection as it
    was. ``send`` finishes writing the frame it started (the frame is never cut in half; the write is
    bounded by ``write_timeout``) and then lets the cancellation through.
    """

    def __init__(self, websocket: WebSocketConnection, *, write_timeout: float | None = None) -> None:
        from trio_websocket import ConnectionClosed  # loaded with the session, never at import

        self._ws = websocket
        self._connection_closed = ConnectionClosed
        self._write_timeout = math.inf if write_timeout is None else write_timeout
        self._local_close: tuple[int, str] | None = None
        self.session: RealtimeSessionResource[_Sent] = RealtimeSessionResource[_Sent](self.send)
        self.response: RealtimeResponseResource[_Sent] = RealtimeResponseResource[_Sent](self.send)
        self.input_audio_buffer: RealtimeInputAudioBufferResource[_Sent] = RealtimeInputAudioBufferResource[
            _Sent
        ](self.send)
        self.output_audio_buffer: RealtimeOutputAudioBufferResource[_Sent] = (
            RealtimeOutputAudioBufferResource[_Sent](self.send)
        )
        self.conversation: RealtimeConversationResource[_Sent] = RealtimeConversationResource[_Sent](
            self.send
        )

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
        data = encode_event(event)
        await self._send_text(data)

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

    async def recv(self) -> RealtimeServerEvent:
        """The next server event, typed."""
        return parse_event(await self._next_message())

    def parse_event(self, data: str | bytes) -> RealtimeServerEvent:
        """Decode a message got from ``recv_bytes`` (or elsewhere) into a typed server event."""
        return parse_event(data)

    async def _next_message(self) -> str | bytes:
        try:
            return await self._ws.get_message()
        except self._connection_closed as exc:
            raise self._closed_error(exc) from None

    def __aiter__(self) -> AsyncRealtimeConnection:
        return self

    async def __anext__(self) -> RealtimeServerEvent:
        """The next event; the iteration ends when the connection closes normally (the client closed
        it, or the server with 1000 / 1001) and raises :class:`WebSocketConnectionClosedError` otherwise."""
        try:
            return await self.recv()
        except WebSocketConnectionClosedError as exc:
            if exc.normal:
                raise StopAsyncIteration from None
            raise

    async def next_event(self) -> RealtimeServerEvent | None:
        """The next event, or ``None`` where the iteration would end (used by the blocking connection)."""
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
        return f"<AsyncRealtimeConnection {state}>"
