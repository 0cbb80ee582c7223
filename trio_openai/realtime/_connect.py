"""``client.realtime.connect(...)``: open a Realtime session as an async context manager.

Light at import: trio-websocket and the event types load when a session opens.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from .._core._errors import APIConnectionError, APITimeoutError, RequestInfo
from .._core._options import Omit, omit
from ._errors import WebSocketConnectionRejectedError
from ._handshake import build_handshake

if TYPE_CHECKING:
    from trio_websocket import WebSocketConnection

    from .._client import AsyncOpenAI
    from .._core._resource import AsyncAPIResource
    from ._connection import AsyncRealtimeConnection
    from ._opener import OpenWebSocket
    from ._session import AsyncWebSocketSession

__all__ = [
    "DEFAULT_MAX_MESSAGE_SIZE",
    "DEFAULT_MESSAGE_QUEUE_SIZE",
    "DEFAULT_PING_INTERVAL",
    "DEFAULT_PING_TIMEOUT",
    "AsyncRealtimeConnectionManager",
    "AsyncWebSocketSessionManager",
    "realtime_connect",
]

C = TypeVar("C", bound="AsyncWebSocketSession[Any]")

#: Messages received but not yet read before the connection stops reading from the network (and the
#: server, in turn, from sending): the backpressure bound.
DEFAULT_MESSAGE_QUEUE_SIZE = 64
#: The largest message accepted (a larger one closes the connection with 1009). Audio is big.
DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024
#: How long leaving the ``async with`` waits for the server to acknowledge the close.
DEFAULT_CLOSE_TIMEOUT = 10.0
#: Seconds between keepalive pings, and how long a pong may take before the server is taken as gone
#: (the official SDK's WebSocket stack uses the same 20 s and 20 s).
DEFAULT_PING_INTERVAL = 20.0
DEFAULT_PING_TIMEOUT = 20.0


class AsyncWebSocketSessionManager(Generic[C]):
    """What a ``connect(...)`` method returns: ``async with`` it to get the open session (``C``).
    Nothing is sent before the ``async with``.

    The connection's background reader runs in a nursery owned by the ``async with`` block, so it never
    outlives it; leaving the block closes the connection (code 1000). Errors come out as plain exceptions,
    not exception groups. Single use.
    """

    def __init__(
        self,
        client: AsyncOpenAI,
        *,
        query: Mapping[str, object],
        extra_query: Mapping[str, object] | None,
        extra_headers: Mapping[str, str | Omit] | None,
        message_queue_size: int,
        max_message_size: int,
        connect_timeout: float | None,
        write_timeout: float | None,
        close_timeout: float | None,
        ping_interval: float | None = DEFAULT_PING_INTERVAL,
        ping_timeout: float | None = DEFAULT_PING_TIMEOUT,
        path: str = "/realtime",
        session: Callable[[WebSocketConnection, float | None], C] | None = None,
    ) -> None:
        if message_queue_size < 0:
            raise ValueError("message_queue_size must be >= 0")
        if max_message_size <= 0:
            raise ValueError("max_message_size must be > 0")
        if ping_interval is not None and not ping_interval > 0:
            raise ValueError("ping_interval must be > 0 (or None for no keepalive)")
        if ping_timeout is not None and not ping_timeout > 0:
            raise ValueError("ping_timeout must be > 0 (or None to wait for pongs without a bound)")
        self._client = client
        self._session = session
        self._path = path
        self._query = dict(query)
        self._extra_query = extra_query
        self._extra_headers = extra_headers
        self._message_queue_size = message_queue_size
        self._max_message_size = max_message_size
        self._connect_timeout = connect_timeout
        self._write_timeout = write_timeout
        self._close_timeout = close_timeout
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._cm: AbstractAsyncContextManager[OpenWebSocket] | None = None
        self._connection: C | None = None

    def _open_session(self, websocket: WebSocketConnection, write_timeout: float | None) -> C:
        if self._session is None:
            raise TypeError("this manager has no session factory")
        return self._session(websocket, write_timeout)

    async def __aenter__(self) -> C:
        if self._cm is not None:
            raise RuntimeError("this connection manager was already entered; call connect() again")
        self._client._ensure_open()
        from trio_websocket import ConnectionRejected, HandshakeError

        from ._opener import HandshakeTimeout, open_websocket

        shake = await build_handshake(
            self._client,
            self._path,
            self._query,
            extra_query=self._extra_query,
            extra_headers=self._extra_headers,
        )
        info = RequestInfo("GET", shake.url)
        cm = self._cm = open_websocket(
            shake,
            message_queue_size=self._message_queue_size,
            max_message_size=self._max_message_size,
            connect_timeout=_seconds(self._connect_timeout),
            close_timeout=_seconds(self._close_timeout),
        )
        try:
            websocket, nursery = await cm.__aenter__()
        except ConnectionRejected as exc:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in exc.headers}
            raise WebSocketConnectionRejectedError(exc.status_code, headers, exc.body) from None
        except HandshakeTimeout as exc:
            raise APITimeoutError(info) from exc
        except HandshakeError as exc:
            raise APIConnectionError(message=f"Connection error: {exc}", request=info) from exc
        connection = self._connection = self._open_session(websocket, self._write_timeout)
        if self._ping_interval is not None:
            nursery.start_soon(connection._keepalive, self._ping_interval, _seconds(self._ping_timeout))
        return connection

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        cm = self._cm
        if cm is None:
            raise RuntimeError("this connection manager was not entered")
        connection = self._connection
        if connection is not None and connection._local_close is None and not connection.closed:
            connection._local_close = (1000, "")
        return await cm.__aexit__(exc_type, exc, tb)


class AsyncRealtimeConnectionManager(AsyncWebSocketSessionManager["AsyncRealtimeConnection"]):
    """What ``client.realtime.connect(...)`` returns: ``async with`` it to get an
    :class:`AsyncRealtimeConnection`. Nothing is sent before the ``async with``.

    The connection's background reader runs in a nursery owned by the ``async with`` block, so it never
    outlives it; leaving the block closes the connection (code 1000). Errors come out as plain exceptions,
    not exception groups. Single use.
    """

    def _open_session(
        self, websocket: WebSocketConnection, write_timeout: float | None
    ) -> AsyncRealtimeConnection:
        from ._connection import AsyncRealtimeConnection

        return AsyncRealtimeConnection(websocket, write_timeout=write_timeout)


def _seconds(value: float | None) -> float:
    return math.inf if value is None else value


def realtime_connect(
    self: AsyncAPIResource,
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
) -> AsyncRealtimeConnectionManager:
    """Open a Realtime session over a WebSocket: ``async with client.realtime.connect(model="gpt-realtime")
    as conn:`` (or ``call_id=`` to join a SIP / WebRTC call).

    The URL is ``websocket_base_url`` if the client has one, else ``base_url`` with ``ws(s)://``, plus
    ``/realtime``; the query carries the client's ``default_query``, ``model`` / ``call_id`` and
    ``extra_query``. The handshake sends the client's headers (``Authorization``, organization, project,
    default headers) and ``extra_headers`` (where ``omit`` removes one). TLS is verified as for HTTP.

    ``message_queue_size`` bounds the events received but not yet read (then reading from the network
    pauses: backpressure); ``max_message_size`` is the largest message accepted. The client's connect
    timeout bounds the handshake and its write timeout each ``send``; ``close_timeout`` bounds the
    closing handshake when the block ends.

    Keepalive: a ping goes out every ``ping_interval`` seconds (``None``: never); a server that does not
    answer one within ``ping_timeout`` seconds is taken as gone, and the connection fails with
    :class:`WebSocketConnectionClosedError` (code 1011). A quiet server that answers pings is kept.
    """
    client = cast("AsyncOpenAI", self._client)  # realtime is only on AsyncOpenAI's tree
    query: dict[str, object] = {}
    if not isinstance(model, Omit):
        query["model"] = model
    if not isinstance(call_id, Omit):
        query["call_id"] = call_id
    timeout = client.timeout
    return AsyncRealtimeConnectionManager(
        client,
        query=query,
        extra_query=extra_query,
        extra_headers=extra_headers,
        message_queue_size=message_queue_size,
        max_message_size=max_message_size,
        connect_timeout=timeout.connect,
        write_timeout=timeout.write,
        close_timeout=close_timeout,
        ping_interval=ping_interval,
        ping_timeout=ping_timeout,
    )
