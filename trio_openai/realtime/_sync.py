"""The blocking Realtime session: ``with OpenAI().realtime.connect(model=...) as conn:``.

The async session runs in the portal (the blocking client's background trio thread): the ``with`` block
holds it open there (its reader task included) and every method is one portal call.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .._core._options import Omit, omit
from .._core._portal._bridges import BlockingContextManager
from ._connect import (
    DEFAULT_CLOSE_TIMEOUT,
    DEFAULT_MAX_MESSAGE_SIZE,
    DEFAULT_MESSAGE_QUEUE_SIZE,
    DEFAULT_PING_INTERVAL,
    DEFAULT_PING_TIMEOUT,
    realtime_connect,
)
from ._resources import (
    RealtimeConversationResource,
    RealtimeInputAudioBufferResource,
    RealtimeOutputAudioBufferResource,
    RealtimeResponseResource,
    RealtimeSessionResource,
)

if TYPE_CHECKING:
    from trio_websocket import WebSocketConnection

    from .._blocking._bridge import SyncAPIResource
    from .._blocking._interfaces import BlockingClient
    from .._core._portal import Portal
    from ..types.realtime_server_event import RealtimeServerEvent
    from ._connect import AsyncRealtimeConnectionManager
    from ._connection import AsyncRealtimeConnection, ClientEvent

__all__ = ["RealtimeConnection", "RealtimeConnectionManager", "realtime_connect_blocking"]


class RealtimeConnection:
    """A blocking Realtime session: the methods of :class:`AsyncRealtimeConnection`, blocking.

    ``conn.send(event)``, ``conn.recv()``, ``conn.recv_bytes()``, ``for event in conn``, ``conn.close()``
    and the typed helpers (``conn.session.update(...)``, ``conn.response.create()``...). Ctrl-C during a
    ``recv`` cancels it inside the portal and leaves the connection usable. Use it from one thread at a
    time (sends and receives may come from different threads).
    """

    def __init__(self, connection: AsyncRealtimeConnection, portal: Portal) -> None:
        self._async = connection
        self._portal = portal
        self.session: RealtimeSessionResource[None] = RealtimeSessionResource[None](self.send)
        self.response: RealtimeResponseResource[None] = RealtimeResponseResource[None](self.send)
        self.input_audio_buffer: RealtimeInputAudioBufferResource[None] = RealtimeInputAudioBufferResource[
            None
        ](self.send)
        self.output_audio_buffer: RealtimeOutputAudioBufferResource[None] = RealtimeOutputAudioBufferResource[
            None
        ](self.send)
        self.conversation: RealtimeConversationResource[None] = RealtimeConversationResource[None](self.send)

    @property
    def websocket(self) -> WebSocketConnection:
        """The underlying trio-websocket connection (it lives in the portal's trio run)."""
        return self._async.websocket

    @property
    def closed(self) -> bool:
        return self._async.closed

    def send(self, event: ClientEvent) -> None:
        """Send one client event (a dict, a ``RealtimeClientEvent*Param`` TypedDict or a Struct)."""
        self._portal.call(self._async.send, event)

    def recv(self) -> RealtimeServerEvent:
        """The next server event, typed; a server ``error`` event is returned, not raised."""
        return self._portal.call(self._async.recv)

    def recv_bytes(self) -> bytes:
        return self._portal.call(self._async.recv_bytes)

    def parse_event(self, data: str | bytes) -> RealtimeServerEvent:
        return self._async.parse_event(data)

    def __iter__(self) -> Iterator[RealtimeServerEvent]:
        """Events until the connection closes normally (see ``AsyncRealtimeConnection.__anext__``)."""
        while True:
            event = self._portal.call(self._async.next_event)
            if event is None:
                return
            yield event

    def close(self, *, code: int = 1000, reason: str = "") -> None:
        self._portal.call(self._async.close, code=code, reason=reason)

    def __repr__(self) -> str:
        return f"<RealtimeConnection {'closed' if self.closed else 'open'}>"


class RealtimeConnectionManager:
    """What ``OpenAI().realtime.connect(...)`` returns: ``with`` it to get a :class:`RealtimeConnection`."""

    def __init__(self, client: BlockingClient, manager: AsyncRealtimeConnectionManager) -> None:
        self._client = client
        self._manager = manager
        self._blocking: BlockingContextManager[AsyncRealtimeConnection] | None = None

    def __enter__(self) -> RealtimeConnection:
        if self._blocking is not None:
            raise RuntimeError("this connection manager was already entered; call connect() again")
        client = self._client
        if client.is_closed():
            raise RuntimeError("This client has been closed; create a new OpenAI.")
        portal = client._portal
        self._blocking = portal.wrap_async_cm(self._manager)
        return RealtimeConnection(self._blocking.__enter__(), portal)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if self._blocking is None:
            raise RuntimeError("this connection manager was not entered")
        return self._blocking.__exit__(exc_type, exc, tb)


def realtime_connect_blocking(
    self: SyncAPIResource[Any],
    *,
    model: str | Omit = omit,
    call_id: str | Omit = omit,
    extra_query: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str | Omit] | None = None,
    message_queue_size: int = DEFAULT_MESSAGE_QUEUE_SIZE,
    max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
    close_timeout: float | None = DEFAULT_CLOSE_TIMEOUT,
    ping_interval: float | None = DEFAULT_PING_INTERVAL,
    ping_timeout: float | None = DEFAULT_PING_TIMEOUT,
) -> RealtimeConnectionManager:
    """Open a Realtime session: ``with client.realtime.connect(model="gpt-realtime") as conn:``. Same
    arguments as the async ``client.realtime.connect``."""
    manager = realtime_connect(
        self._async,
        model=model,
        call_id=call_id,
        extra_query=extra_query,
        extra_headers=extra_headers,
        message_queue_size=message_queue_size,
        max_message_size=max_message_size,
        close_timeout=close_timeout,
        ping_interval=ping_interval,
        ping_timeout=ping_timeout,
    )
    return RealtimeConnectionManager(self._client, manager)
