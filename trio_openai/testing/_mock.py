"""MockTransport: answer a client's requests from a function, with no sockets at all."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import Any, cast
from urllib.parse import parse_qs, unquote, urlsplit

import httpcore2
import msgspec

from .._core._headers import Headers

__all__ = ["MockRequest", "MockResponse", "MockTransport"]


class MockRequest:
    """A request as the handler sees it: method, URL, headers (case-insensitive) and the whole body."""

    __slots__ = ("content", "headers", "method", "url")

    def __init__(self, method: str, url: str, headers: Headers, content: bytes) -> None:
        self.method: str = method
        self.url: str = url
        self.headers: Headers = headers
        self.content: bytes = content

    @property
    def path(self) -> str:
        """The URL's path, percent-decoded (``/v1/models/gpt-4o-mini``)."""
        return unquote(urlsplit(self.url).path)

    @property
    def query(self) -> dict[str, list[str]]:
        """The query parameters, each with all its values (``{"limit": ["10"]}``)."""
        return parse_qs(urlsplit(self.url).query, keep_blank_values=True)

    @property
    def raw_query(self) -> str:
        """The query string as sent, without the ``?``."""
        return urlsplit(self.url).query

    def json(self) -> Any:
        """The body decoded as JSON (``msgspec.DecodeError`` when it is not, e.g. a multipart upload)."""
        return msgspec.json.decode(self.content)

    def __repr__(self) -> str:
        return f"<MockRequest {self.method} {self.url}>"


class MockResponse:
    """What a handler returns. ``json=`` encodes a body; ``stream=`` sends the given chunks one by one
    (an iterable or async iterable of bytes), e.g. to split SSE frames at awkward places."""

    __slots__ = ("content", "headers", "status", "stream")

    def __init__(
        self,
        status: int = 200,
        *,
        json: object = None,
        content: bytes = b"",
        headers: Mapping[str, str] | None = None,
        stream: Iterable[bytes] | AsyncIterable[bytes] | None = None,
    ) -> None:
        hdrs = dict(headers or {})
        if json is not None:
            content = msgspec.json.encode(json)
            hdrs.setdefault("content-type", "application/json")
        self.status: int = status
        self.content: bytes = content
        self.headers: dict[str, str] = hdrs
        self.stream: Iterable[bytes] | AsyncIterable[bytes] | None = stream


class _ChunkStream:
    def __init__(self, chunks: Iterable[bytes] | AsyncIterable[bytes]) -> None:
        self._chunks = chunks
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if isinstance(self._chunks, AsyncIterable):
            async for chunk in self._chunks:
                yield chunk
        else:
            for chunk in self._chunks:
                yield chunk

    async def aclose(self) -> None:
        self.closed = True


Handler = Callable[
    [MockRequest], "MockResponse | httpcore2.Response | Awaitable[MockResponse | httpcore2.Response]"
]


class MockTransport:
    """A transport that calls ``handler(request)`` for every request and records them in
    ``requests``. The handler may be sync or async, and may raise (e.g. ``httpcore2.ConnectError``) to
    simulate network failures.

    ``keep`` bounds the record for long runs: only the last ``keep`` requests stay in ``requests``
    (``keep=0`` records none), while ``request_count`` counts every request handled."""

    def __init__(self, handler: Handler, *, keep: int | None = None) -> None:
        if keep is not None and keep < 0:
            raise ValueError(f"keep must be None or >= 0, not {keep!r}")
        self._handler = handler
        self._keep = keep
        self.requests: list[MockRequest] = []
        self.request_count: int = 0
        self.closed: bool = False

    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response:
        stream: Any = request.stream
        if isinstance(stream, AsyncIterable):
            body = b"".join([bytes(chunk) async for chunk in cast("AsyncIterable[bytes]", stream)])
        else:
            body = b"".join(stream)
        url = request.url
        port = f":{url.port}" if url.port else ""
        full = f"{url.scheme.decode()}://{url.host.decode()}{port}{url.target.decode()}"
        mock = MockRequest(request.method.decode(), full, Headers(request.headers), body)
        self.request_count += 1
        if self._keep is None or self._keep > 0:
            self.requests.append(mock)
            if self._keep is not None and len(self.requests) > self._keep:
                del self.requests[0]
        result = self._handler(mock)
        if inspect.isawaitable(result):
            result = await result
        if isinstance(result, httpcore2.Response):
            return result
        headers = [(k.encode(), v.encode()) for k, v in result.headers.items()]
        if result.stream is not None:
            return httpcore2.Response(result.status, headers=headers, content=_ChunkStream(result.stream))
        return httpcore2.Response(result.status, headers=headers, content=result.content)

    async def aclose(self) -> None:
        self.closed = True
