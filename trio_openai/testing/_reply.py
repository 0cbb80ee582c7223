"""``Reply``: a response described as data, which the connection layer then acts out."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

__all__ = ["DONE_FRAME", "SSE_HEADERS", "DropPoint", "Reply", "error_body", "sse_frame"]

DropPoint = Literal["before_headers", "after_headers", "mid_body"]
_DROP_POINTS = ("before_headers", "after_headers", "mid_body")
DONE_FRAME = b"data: [DONE]\n\n"
SSE_HEADERS = {"content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """A scripted (or default) response.

    * ``json``: an object to encode as the body (``content-type: application/json``);
      otherwise ``body`` is sent as is (so a JSON ``null`` body is ``body=b"null"``).
    * ``headers`` override the server's own ones (rate limit headers, ``x-request-id``), case-insensitively.
    * ``delay``: seconds (trio time) to wait before answering, so a test can cancel a slow call.
      The server watches the socket meanwhile and notices a client that goes away.
    * ``chunks``: send the body piece by piece with ``transfer-encoding: chunked``, waiting
      ``chunk_delay`` seconds before every piece after the first (SSE streams, split frames).
    * ``drop`` closes the connection at that point instead of finishing the response:
      ``"before_headers"`` (nothing is sent), ``"after_headers"`` (status and headers only),
      ``"mid_body"`` (with ``body``/``json``: the first half of it; with ``chunks``: every chunk
      but not the chunked terminator, so list the pieces that should get through before the cut).
    * ``live``: a function giving an async iterator of body pieces, sent as they come (chunked): a
      stream whose content depends on what other requests do meanwhile (an agent session's events).
    """

    status: int = 200
    json: Any = None
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict[str, str])
    delay: float = 0.0
    drop: DropPoint | None = None
    chunks: list[bytes] | None = None
    chunk_delay: float = 0.0
    live: Callable[[], AsyncGenerator[bytes]] | None = None

    def __post_init__(self) -> None:
        if self.live is not None and (self.json is not None or self.body or self.chunks is not None):
            raise ValueError("Reply takes one of json=, body=, chunks= or live=")
        if self.json is not None and (self.body or self.chunks is not None):
            raise ValueError("Reply takes one of json=, body= or chunks=")
        if self.body and self.chunks is not None:
            raise ValueError("Reply takes one of body= or chunks=")
        if self.drop is not None and self.drop not in _DROP_POINTS:
            raise ValueError(f"drop must be one of {_DROP_POINTS} or None, not {self.drop!r}")
        if self.delay < 0 or self.chunk_delay < 0:
            raise ValueError("delays cannot be negative")
        if not 200 <= self.status <= 599:
            raise ValueError(f"not a final HTTP status: {self.status}")

    def payload(self) -> bytes:
        """The complete body of a non-chunked reply."""
        if self.json is not None:
            return msgspec.json.encode(self.json)
        return self.body

    def content_type(self) -> str | None:
        """The content type the reply implies when its headers name none."""
        return "application/json" if self.json is not None else None

    @classmethod
    def error(
        cls,
        status: int,
        message: str = "The fake server was told to fail this request.",
        *,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
    ) -> Reply:
        """An OpenAI-shaped error: ``{"error": {"message", "type", "param", "code"}}``.

        ``type`` defaults from the status: ``requests`` (429, with code ``rate_limit_exceeded``),
        ``server_error`` (5xx) or ``invalid_request_error``.
        """
        return cls(
            status=status,
            json=error_body(status, message, type=type, code=code, param=param),
            headers=dict(headers or {}),
            delay=delay,
        )

    @classmethod
    def sse(
        cls,
        events: Iterable[object],
        *,
        done: bool = True,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
        chunk_delay: float = 0.0,
        drop: DropPoint | None = None,
    ) -> Reply:
        """A ``text/event-stream`` reply, one chunk per event.

        Each event is turned into a frame: ``bytes`` are sent untouched (split frames at will),
        a ``str`` becomes ``data: <str>``, a ``(name, data)`` tuple becomes ``event: <name>`` plus
        ``data: <json>``, anything else is JSON-encoded into ``data:``. ``done`` appends
        ``data: [DONE]``.
        """
        frames = [_frame_for(event) for event in events]
        if done:
            frames.append(DONE_FRAME)
        merged = {**SSE_HEADERS, **(headers or {})}
        return cls(
            status=status, chunks=frames, headers=merged, delay=delay, chunk_delay=chunk_delay, drop=drop
        )


def error_body(
    status: int, message: str, *, type: str | None = None, code: str | None = None, param: str | None = None
) -> dict[str, dict[str, str | None]]:
    """The JSON document of an OpenAI error response."""
    if type is None:
        type = "requests" if status == 429 else "server_error" if status >= 500 else "invalid_request_error"
        if status == 429 and code is None:
            code = "rate_limit_exceeded"
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def sse_frame(data: object, event: str | None = None) -> bytes:
    """One SSE frame: an optional ``event:`` line, a ``data:`` line, a blank line."""
    payload = data.encode() if isinstance(data, str) else msgspec.json.encode(data)
    head = b"event: " + event.encode() + b"\n" if event is not None else b""
    return head + b"data: " + payload + b"\n\n"


def _frame_for(event: object) -> bytes:
    if isinstance(event, bytes):
        return event
    if isinstance(event, tuple):
        name, data = event  # pyright: ignore[reportUnknownVariableType]
        return sse_frame(data, event=str(name))  # pyright: ignore[reportUnknownArgumentType]
    return sse_frame(event)
