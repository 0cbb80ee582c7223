"""The WebSocket ``connect`` methods besides ``client.realtime.connect``: Responses in WebSocket mode
(``client.responses.connect()``, ``client.beta.responses.connect()``), Live sessions
(``client.live.connect()``, ``client.live.forks.connect(session_id=...)``,
``client.live.sideband.connect(session_id=...)``), Realtime translations
(``client.realtime.translations.connect(model=...)``) and the beta Realtime path
(``client.beta.realtime.connect(model=...)``).

Each returns a manager: ``async with client.responses.connect() as session:`` (``with`` on the blocking
client) opens the WebSocket (same URL rules, headers, TLS, timeouts and keepalive as
``client.realtime.connect``) and yields an :class:`AsyncWebSocketSession`: ``send(event)``, ``recv()``,
``async for event in session``, ``close()``. Responses sessions decode events as the response stream
events; the others as JSON objects (``dict``).

Light at import: trio-websocket and the event types load when a session opens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, Unpack, cast
from urllib.parse import quote

from .._core._options import Omit, omit
from .._core._portal._bridges import BlockingContextManager
from ._connect import (
    DEFAULT_CLOSE_TIMEOUT,
    DEFAULT_MAX_MESSAGE_SIZE,
    DEFAULT_MESSAGE_QUEUE_SIZE,
    DEFAULT_PING_INTERVAL,
    DEFAULT_PING_TIMEOUT,
    AsyncWebSocketSessionManager,
)

if TYPE_CHECKING:
    from trio_websocket import WebSocketConnection

    from .._blocking._bridge import SyncAPIResource
    from .._client import AsyncOpenAI
    from .._core._portal import Portal
    from .._core._resource import AsyncAPIResource
    from .._sync import OpenAI
    from ..types import BetaResponseStreamEvent, ResponseStreamEvent
    from ._session import AsyncWebSocketSession, ClientEvent

__all__ = [
    "JSONEvent",
    "SessionOptions",
    "WebSocketSession",
    "WebSocketSessionManager",
    "beta_realtime_connect",
    "beta_realtime_connect_blocking",
    "beta_responses_connect",
    "beta_responses_connect_blocking",
    "live_connect",
    "live_connect_blocking",
    "live_forks_connect",
    "live_forks_connect_blocking",
    "live_sideband_connect",
    "live_sideband_connect_blocking",
    "responses_connect",
    "responses_connect_blocking",
    "translations_connect",
    "translations_connect_blocking",
]

E = TypeVar("E")


class SessionOptions(TypedDict, total=False):
    """The keyword arguments every ``connect`` below takes (as ``client.realtime.connect`` does)."""

    extra_query: Mapping[str, object] | None
    extra_headers: Mapping[str, str | Omit] | None
    message_queue_size: int  # default DEFAULT_MESSAGE_QUEUE_SIZE
    max_message_size: int  # default DEFAULT_MAX_MESSAGE_SIZE
    close_timeout: float | None  # default DEFAULT_CLOSE_TIMEOUT
    ping_interval: float | None  # default DEFAULT_PING_INTERVAL
    ping_timeout: float | None  # default DEFAULT_PING_TIMEOUT


#: The events of sessions without a typed event union: JSON objects.
JSONEvent = dict[str, Any]


def _json_event() -> Any:
    return dict[str, Any]


def _response_event() -> Any:
    from ..types import ResponseStreamEvent

    return ResponseStreamEvent


def _beta_response_event() -> Any:
    from ..types import BetaResponseStreamEvent

    return BetaResponseStreamEvent


def _manager(
    resource: AsyncAPIResource,
    path: str,
    events: Callable[[], Any],
    *,
    query: Mapping[str, object] | None = None,
    headers: Mapping[str, str] | None = None,
    **options: Unpack[SessionOptions],
) -> AsyncWebSocketSessionManager[AsyncWebSocketSession[Any]]:
    def session(websocket: WebSocketConnection, write_timeout: float | None) -> AsyncWebSocketSession[Any]:
        from ._session import AsyncWebSocketSession

        return AsyncWebSocketSession[Any](websocket, event_type=events(), write_timeout=write_timeout)

    client = cast("AsyncOpenAI", resource._client)  # these connects are only on AsyncOpenAI's tree
    sent_headers: dict[str, str | Omit] = dict(headers or {})
    sent_headers.update(options.get("extra_headers") or {})
    manager: AsyncWebSocketSessionManager[AsyncWebSocketSession[Any]] = AsyncWebSocketSessionManager(
        client,
        query=dict(query or {}),
        extra_query=options.get("extra_query"),
        extra_headers=sent_headers,
        message_queue_size=options.get("message_queue_size", DEFAULT_MESSAGE_QUEUE_SIZE),
        max_message_size=options.get("max_message_size", DEFAULT_MAX_MESSAGE_SIZE),
        connect_timeout=client.timeout.connect,
        write_timeout=client.timeout.write,
        close_timeout=options.get("close_timeout", DEFAULT_CLOSE_TIMEOUT),
        ping_interval=options.get("ping_interval", DEFAULT_PING_INTERVAL),
        ping_timeout=options.get("ping_timeout", DEFAULT_PING_TIMEOUT),
        path=path,
        session=session,
    )
    return manager


def _segment(name: str, value: str) -> str:
    if not isinstance(value, str) or not value:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    return quote(value, safe="")


# --- async ---------------------------------------------------------------------------------------------


def responses_connect(
    self: AsyncAPIResource,
    **options: Unpack[SessionOptions],
) -> AsyncWebSocketSessionManager[AsyncWebSocketSession[ResponseStreamEvent]]:
    """Open a Responses session over a WebSocket (``/responses``): send ``response.create`` events,
    receive the response stream events. Arguments as for ``client.realtime.connect``."""
    return _manager(
        self,
        "/responses",
        _response_event,
        **options,
    )


def beta_responses_connect(
    self: AsyncAPIResource,
    **options: Unpack[SessionOptions],
) -> AsyncWebSocketSessionManager[AsyncWebSocketSession[BetaResponseStreamEvent]]:
    """``client.responses.connect`` with the beta response events."""
    return _manager(
        self,
        "/responses",
        _beta_response_event,
        **options,
    )


def live_connect(
    self: AsyncAPIResource,
    **options: Unpack[SessionOptions],
) -> AsyncWebSocketSessionManager[AsyncWebSocketSession[JSONEvent]]:
    """Open a Live session over a WebSocket (``/live/sessions``); events are JSON objects."""
    return _manager(
        self,
        "/live/sessions",
        _json_event,
        **options,
    )


def live_forks_connect(
    self: AsyncAPIResource,
    *,
    session_id: str,
    **options: Unpack[SessionOptions],
) -> AsyncWebSocketSessionManager[AsyncWebSocketSession[JSONEvent]]:
    """Open a fork of a Live session (``/live/sessions/{session_id}/fork``); events are JSON objects."""
    return _manager(
        self,
        f"/live/sessions/{_segment('session_id', session_id)}/fork",
        _json_event,
        **options,
    )


def live_sideband_connect(
    self: AsyncAPIResource,
    *,
    session_id: str,
    graceful_close: bool | Omit = omit,
    **options: Unpack[SessionOptions],
) -> AsyncWebSocketSessionManager[AsyncWebSocketSession[JSONEvent]]:
    """Attach to a Live session as a sideband (``/live/sessions/{session_id}/attach``, with
    ``graceful_close`` in the query when given); events are JSON objects."""
    query: dict[str, object] = {}
    if not isinstance(graceful_close, Omit):
        query["graceful_close"] = graceful_close
    return _manager(
        self,
        f"/live/sessions/{_segment('session_id', session_id)}/attach",
        _json_event,
        query=query,
        **options,
    )


def translations_connect(
    self: AsyncAPIResource,
    *,
    model: str,
    **options: Unpack[SessionOptions],
) -> AsyncWebSocketSessionManager[AsyncWebSocketSession[JSONEvent]]:
    """Open a Realtime translation session (``/realtime/translations?model=...``); events are JSON
    objects."""
    return _manager(
        self,
        "/realtime/translations",
        _json_event,
        query={"model": model},
        **options,
    )


def beta_realtime_connect(
    self: AsyncAPIResource,
    *,
    model: str,
    **options: Unpack[SessionOptions],
) -> AsyncWebSocketSessionManager[AsyncWebSocketSession[JSONEvent]]:
    """The beta Realtime session (``/realtime?model=...`` with ``OpenAI-Beta: realtime=v1``); its events
    are the beta shapes, handed out as JSON objects. New code uses ``client.realtime.connect``."""
    return _manager(
        self,
        "/realtime",
        _json_event,
        query={"model": model},
        headers={"OpenAI-Beta": "realtime=v1"},
        **options,
    )


# --- blocking --------------------------------------------------------------------------------------------


class WebSocketSession(Generic[E]):
    """A blocking WebSocket session: the methods of :class:`AsyncWebSocketSession`, blocking (each one
    portal call). Ctrl-C during a ``recv`` cancels it inside the portal and leaves the session usable."""

    def __init__(self, session: AsyncWebSocketSession[E], portal: Portal) -> None:
        self._async = session
        self._portal = portal

    @property
    def websocket(self) -> WebSocketConnection:
        """The underlying trio-websocket connection (it lives in the portal's trio run)."""
        return self._async.websocket

    @property
    def closed(self) -> bool:
        return self._async.closed

    def send(self, event: ClientEvent) -> None:
        self._portal.call(self._async.send, event)

    def recv(self) -> E:
        return self._portal.call(self._async.recv)

    def recv_bytes(self) -> bytes:
        return self._portal.call(self._async.recv_bytes)

    def parse_event(self, data: str | bytes) -> E:
        return self._async.parse_event(data)

    def __iter__(self) -> Iterator[E]:
        while True:
            event = self._portal.call(self._async.next_event)
            if event is None:
                return
            yield event

    def close(self, *, code: int = 1000, reason: str = "") -> None:
        self._portal.call(self._async.close, code=code, reason=reason)

    def __repr__(self) -> str:
        return f"<WebSocketSession {'closed' if self.closed else 'open'}>"


class WebSocketSessionManager(Generic[E]):
    """What a blocking ``connect(...)`` returns: ``with`` it to get a :class:`WebSocketSession`."""

    def __init__(
        self, client: OpenAI, manager: AsyncWebSocketSessionManager[AsyncWebSocketSession[E]]
    ) -> None:
        self._client = client
        self._manager = manager
        self._blocking: BlockingContextManager[AsyncWebSocketSession[E]] | None = None

    def __enter__(self) -> WebSocketSession[E]:
        if self._blocking is not None:
            raise RuntimeError("this connection manager was already entered; call connect() again")
        client = self._client
        if client.is_closed():
            raise RuntimeError("This client has been closed; create a new OpenAI.")
        portal = client._portal
        self._blocking = portal.wrap_async_cm(self._manager)
        return WebSocketSession[E](self._blocking.__enter__(), portal)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if self._blocking is None:
            raise RuntimeError("this connection manager was not entered")
        return self._blocking.__exit__(exc_type, exc, tb)


def _blocking(
    resource: SyncAPIResource[Any], manager: AsyncWebSocketSessionManager[AsyncWebSocketSession[E]]
) -> WebSocketSessionManager[E]:
    return WebSocketSessionManager[E](cast("OpenAI", resource._client), manager)


def responses_connect_blocking(
    self: SyncAPIResource[Any], **options: Unpack[SessionOptions]
) -> WebSocketSessionManager[ResponseStreamEvent]:
    """``client.responses.connect()`` on the blocking client: ``with`` it. Same arguments as the async one."""
    return _blocking(self, responses_connect(self._async, **options))


def beta_responses_connect_blocking(
    self: SyncAPIResource[Any], **options: Unpack[SessionOptions]
) -> WebSocketSessionManager[BetaResponseStreamEvent]:
    """``client.beta.responses.connect()`` on the blocking client."""
    return _blocking(self, beta_responses_connect(self._async, **options))


def live_connect_blocking(
    self: SyncAPIResource[Any], **options: Unpack[SessionOptions]
) -> WebSocketSessionManager[JSONEvent]:
    """``client.live.connect()`` on the blocking client."""
    return _blocking(self, live_connect(self._async, **options))


def live_forks_connect_blocking(
    self: SyncAPIResource[Any], *, session_id: str, **options: Unpack[SessionOptions]
) -> WebSocketSessionManager[JSONEvent]:
    """``client.live.forks.connect(session_id=...)`` on the blocking client."""
    return _blocking(self, live_forks_connect(self._async, session_id=session_id, **options))


def live_sideband_connect_blocking(
    self: SyncAPIResource[Any], *, session_id: str, **options: Unpack[SessionOptions]
) -> WebSocketSessionManager[JSONEvent]:
    """``client.live.sideband.connect(session_id=...)`` on the blocking client."""
    return _blocking(self, live_sideband_connect(self._async, session_id=session_id, **options))


def translations_connect_blocking(
    self: SyncAPIResource[Any], *, model: str, **options: Unpack[SessionOptions]
) -> WebSocketSessionManager[JSONEvent]:
    """``client.realtime.translations.connect(model=...)`` on the blocking client."""
    return _blocking(self, translations_connect(self._async, model=model, **options))


def beta_realtime_connect_blocking(
    self: SyncAPIResource[Any], *, model: str, **options: Unpack[SessionOptions]
) -> WebSocketSessionManager[JSONEvent]:
    """``client.beta.realtime.connect(model=...)`` on the blocking client."""
    return _blocking(self, beta_realtime_connect(self._async, model=model, **options))
