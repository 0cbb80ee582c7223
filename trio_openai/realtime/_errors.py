"""The errors of Realtime sessions: the connection is closed, or the server refused to open it."""

from __future__ import annotations

from typing import Any

import msgspec

from .._core._errors import OpenAIError

__all__ = [
    "KEEPALIVE_TIMEOUT_REASON",
    "NORMAL_CLOSE_CODES",
    "RealtimeEventDecodeError",
    "WebSocketConnectionClosedError",
    "WebSocketConnectionRejectedError",
]

#: Close codes that end ``async for event in conn`` quietly: normal closure, going away, and a close
#: frame without a code (what the ``websockets`` library calls a clean close).
NORMAL_CLOSE_CODES = frozenset({1000, 1001, 1005})
#: Codes of a connection that failed on this side (dropped, keepalive lost, a write that stalled):
#: never a quiet end, even though the client is the side that closed.
_FAILURE_CODES = frozenset({1006, 1011})
#: The reason of the 1011 close when the server stopped answering pings.
KEEPALIVE_TIMEOUT_REASON = "keepalive ping timeout"


class WebSocketConnectionClosedError(OpenAIError):
    """The Realtime connection is closed: raised by ``send`` once it is, and by ``recv`` after the
    events received before the close were all read.

    ``code`` and ``reason`` are the close frame's (1006 when the network connection dropped without
    one); ``by_client`` says whether this side closed it (``conn.close()`` or leaving the ``with``,
    or a failure seen by this side: code 1011 with reason ``"keepalive ping timeout"`` when the server
    stopped answering pings, 1006 with ``"write timed out"`` when a send stalled).
    """

    code: int
    reason: str
    by_client: bool

    def __init__(self, code: int, reason: str = "", *, by_client: bool = False) -> None:
        self.code = code
        self.reason = reason
        self.by_client = by_client
        who = "by the client" if by_client else "by the server"
        detail = f": {reason}" if reason else ""
        super().__init__(f"The Realtime connection was closed {who} (code {code}{detail})")

    @property
    def normal(self) -> bool:
        """Whether the close was an orderly one (the client closed, or the server with 1000/1001/1005),
        not a failure (a dropped connection, a lost keepalive, a stalled write)."""
        if self.code in NORMAL_CLOSE_CODES:
            return True
        return self.by_client and self.code not in _FAILURE_CODES


class RealtimeEventDecodeError(OpenAIError, ValueError):
    """A server message that is not a valid event: not JSON, or a known event type of the wrong shape.

    ``raw`` is the message as it came (text or bytes) and ``reason`` what was wrong with it. The
    connection stays open and usable: the next ``recv`` reads the next message.
    """

    raw: str | bytes
    reason: str

    def __init__(self, raw: str | bytes, reason: str) -> None:
        self.raw = raw
        self.reason = reason
        preview = raw[:200]
        super().__init__(f"Invalid Realtime server event ({reason}): {preview!r}")


class WebSocketConnectionRejectedError(OpenAIError):
    """The server answered the WebSocket handshake with an HTTP error instead of switching protocols
    (a bad key, an unknown model...). ``body`` is the decoded error object when it is JSON."""

    status_code: int
    headers: dict[str, str]
    body: object | None

    def __init__(self, status_code: int, headers: dict[str, str], body: bytes | None) -> None:
        self.status_code = status_code
        self.headers = headers
        self.body = _decode(body)
        message = f"The Realtime WebSocket handshake was rejected with HTTP {status_code}"
        error = _error_message(self.body)
        super().__init__(f"{message}: {error}" if error else message)

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-request-id")


def _decode(body: bytes | None) -> object | None:
    if not body:
        return None
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError:
        return body.decode("utf-8", "replace")


def _error_message(body: object) -> str | None:
    if isinstance(body, dict):
        fields: dict[str, Any] = body  # type: ignore[assignment]
        error = fields.get("error", fields)
        if isinstance(error, dict):
            message = error.get("message")  # type: ignore[union-attr]
            if isinstance(message, str):
                return message
    if isinstance(body, str):
        return body[:200]
    return None
