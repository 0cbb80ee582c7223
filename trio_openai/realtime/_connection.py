"""AsyncRealtimeConnection: typed events over an open trio-websocket connection."""

from __future__ import annotations

from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

import msgspec

from ..types.realtime_server_event import RealtimeServerEvent
from ._resources import (
    RealtimeConversationResource,
    RealtimeInputAudioBufferResource,
    RealtimeOutputAudioBufferResource,
    RealtimeResponseResource,
    RealtimeSessionResource,
)
from ._session import AsyncWebSocketSession, decode_event, encode_event

if TYPE_CHECKING:
    from trio_websocket import WebSocketConnection

    from ..types.realtime_client_event_param import RealtimeClientEventParam

__all__ = ["AsyncRealtimeConnection", "ClientEvent", "encode_event", "parse_event"]

#: What ``send`` takes: one of the typed client events, any mapping, or a msgspec Struct.
ClientEvent: TypeAlias = "RealtimeClientEventParam | Mapping[str, Any] | msgspec.Struct"
_Sent: TypeAlias = Coroutine[Any, Any, None]


def parse_event(data: str | bytes) -> RealtimeServerEvent:
    """Decode one server event (with the cached decoder of the event union). An event type newer than
    this library decodes as ``trio_openai.types.UnknownVariant`` (``.type`` and ``.raw``), never an error.
    Raises :class:`RealtimeEventDecodeError` (carrying the raw message) when ``data`` is not JSON or is a
    known event of the wrong shape."""
    event: RealtimeServerEvent = decode_event(data, RealtimeServerEvent)
    return event


class AsyncRealtimeConnection(AsyncWebSocketSession[RealtimeServerEvent]):
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
        super().__init__(websocket, event_type=RealtimeServerEvent, write_timeout=write_timeout)
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

    async def send(self, event: ClientEvent) -> None:
        """Send one client event. Raises :class:`WebSocketConnectionClosedError` if the connection is closed."""
        await self._send_text(encode_event(event))

    def __aiter__(self) -> AsyncRealtimeConnection:
        return self
