"""Response objects: metadata every response has, an eagerly read one and a streamed one."""

from __future__ import annotations

import datetime
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast, overload

import httpcore2
import msgspec
import trio

from ..types._base import note_extras
from ._cleanup import shielded
from ._decoding import decoder_for
from ._errors import APIResponseValidationError, RequestInfo, StreamAlreadyConsumed
from ._headers import REDACTED, SECRET_HEADERS, Headers
from ._ratelimits import RateLimits, parse_rate_limits
from ._transport import map_transport_errors

if TYPE_CHECKING:
    from ._request import Call
    from ._streaming import AsyncStream

__all__ = [
    "APIResponse",
    "AsyncAPIResponse",
    "BinaryContent",
    "ResponseMeta",
    "no_value",
    "parse_content",
    "read_response",
]

T = TypeVar("T")
R = TypeVar("R")
E = TypeVar("E")


class HTTPRequest:
    """The request a response answers (``response.http_request``, as in the official SDK): method, URL
    and the headers sent, with credentials redacted (the API key never appears)."""

    __slots__ = ("headers", "method", "url")

    method: str
    url: str
    headers: Headers

    def __init__(self, info: RequestInfo) -> None:
        self.method = info.method
        self.url = info.url
        sent = info.headers or {}
        raw: list[tuple[bytes, bytes]] = [
            (name.encode("latin-1"), (REDACTED if key in SECRET_HEADERS else value).encode("latin-1"))
            for key, (name, value) in sent.items()
        ]
        if "authorization" not in sent:
            raw.append((b"Authorization", REDACTED.encode()))
        self.headers = Headers(raw)

    def __repr__(self) -> str:
        return f"<HTTPRequest {self.method} {self.url}>"


class ResponseMeta:
    """Status, headers, timing and retry facts shared by every kind of response."""

    __slots__ = (
        "_call",
        "_elapsed",
        "_rate_limits",
        "headers",
        "http_version",
        "request_info",
        "retries_taken",
        "status_code",
    )

    def __init__(
        self,
        raw: httpcore2.Response,
        *,
        request_info: RequestInfo,
        retries_taken: int,
        elapsed: float,
        call: Call[Any] | None = None,
    ) -> None:
        self.status_code: int = raw.status
        self.headers: Headers = Headers(raw.headers)
        extensions = cast("dict[str, Any]", raw.extensions)  # pyright: ignore[reportUnknownMemberType]
        version: bytes = extensions.get("http_version", b"HTTP/1.1")
        self.http_version: str = version.decode("ascii", "replace")
        self.request_info: RequestInfo = request_info
        self.retries_taken: int = retries_taken
        self._elapsed = elapsed
        self._rate_limits: RateLimits | None = None
        self._call = call

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header: quote it when you contact OpenAI support."""
        return self.headers.get("x-request-id")

    @property
    def rate_limits(self) -> RateLimits:
        """The ``x-ratelimit-*`` headers, parsed."""
        if self._rate_limits is None:
            self._rate_limits = parse_rate_limits(self.headers)
        return self._rate_limits

    @property
    def elapsed(self) -> datetime.timedelta:
        """Time from sending the request to receiving the response headers (of the last attempt)."""
        return datetime.timedelta(seconds=self._elapsed)

    @property
    def url(self) -> str:
        return self.request_info.url

    @property
    def http_request(self) -> HTTPRequest:
        """The request this answers: method, URL and headers (credentials redacted)."""
        return HTTPRequest(self.request_info)

    @property
    def method(self) -> str:
        return self.request_info.method

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self.status_code}] {self.request_info.method} {self.request_info.url}>"
        )


def parse_content(meta: ResponseMeta, content: bytes, to: Any) -> Any:
    """Turn a complete body into ``to``: a Struct (or any msgspec type), ``str``, ``bytes`` or ``None``."""
    if to is bytes:
        return content
    if to is str:
        return content.decode("utf-8", "replace")
    if to is None or to is type(None):
        return None
    if to is BinaryContent:
        return BinaryContent(content, meta)
    try:
        value = decoder_for(to).decode(content)
    except msgspec.ValidationError as exc:
        raise APIResponseValidationError(
            read_response(meta, content),
            _lenient_body(content),
            message=f"Data returned by the API does not match {_type_name(to)}: {exc}",
        ) from exc
    except msgspec.DecodeError as exc:
        kind = meta.content_type or "no content type"
        raise APIResponseValidationError(
            read_response(meta, content),
            _lenient_body(content),
            message=f"Expected JSON for {_type_name(to)} but received {kind}: {_excerpt(content)}",
        ) from exc
    own: dict[str, Any] | None = getattr(value, "__dict__", None)
    if own is not None and isinstance(value, msgspec.Struct):  # our models: request id, unknown fields
        own["_request_id"] = meta.request_id
        look_for_extras(value, content)
    return value


_LOOK_FIRST = 8  # results of each type always looked at for unknown fields
_LOOK_EVERY = 64  # then one in this many, unless the type has shown some (then every one)
_LOOK_BIG = 64 * 1024  # a body this long is looked at as the first of its type only, then sampled
_looks: dict[Any, int] = {}


def look_for_extras(value: Any, content: bytes, *, always: bool = False) -> None:
    """Record the fields of ``content`` that ``value``'s types do not know (``model_extra``), for the
    first results of each type (only the first when the body is big: a second decode of 100 float
    embeddings costs as much as the first), one in 64 after that, and every result of a type that has
    shown some (see :mod:`trio_openai.types._base`). Costs a second decode of the body when it looks."""
    kind: object = type(cast(object, value))
    seen = _looks.get(kind, 0)
    if seen >= 0:  # a negative count: the type has shown unknown fields, look at every result
        _looks[kind] = seen + 1
        if not always and seen and (seen >= _LOOK_FIRST or len(content) > _LOOK_BIG) and seen % _LOOK_EVERY:
            return
    try:
        data = msgspec.json.decode(content)
    except msgspec.DecodeError:
        return
    if note_extras(value, data):
        _looks[kind] = -1


def read_response(meta: ResponseMeta, content: bytes) -> APIResponse[Any]:
    """``meta`` as an `APIResponse` holding ``content`` (itself when it is one): what an
    ``APIResponseValidationError`` carries as ``response``, so the body that did not match is there
    (``content``, ``text``, ``json()``) whichever path parsed it."""
    if isinstance(meta, APIResponse):
        return cast("APIResponse[Any]", meta)
    response = cast("APIResponse[Any]", object.__new__(APIResponse))
    for name in ResponseMeta.__slots__:
        setattr(response, name, getattr(meta, name))
    response.content = content
    response._parser = no_value
    response._parsed = {}
    return response


def no_value(_meta: ResponseMeta, _content: bytes) -> None:
    """The parser of an error response (``APIStatusError.response``): there is no value to parse into."""
    return None


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or repr(tp)


def _lenient_body(content: bytes) -> object:
    try:
        return msgspec.json.decode(content)
    except msgspec.DecodeError:
        return content.decode("utf-8", "replace")


def _excerpt(content: bytes, limit: int = 120) -> str:
    text = content[: limit + 1].decode("utf-8", "replace")
    return repr(text if len(text) <= limit else text[:limit] + "…")


class APIResponse(ResponseMeta, Generic[T]):
    """A response whose body has been read: what ``with_raw_response`` methods return.

    ``parse()`` gives what the plain method would have returned (cached); ``content``, ``text`` and
    ``json()`` give the body itself.
    """

    __slots__ = ("_parsed", "_parser", "content")

    def __init__(
        self,
        raw: httpcore2.Response,
        content: bytes,
        *,
        request_info: RequestInfo,
        retries_taken: int,
        elapsed: float,
        parser: Callable[[ResponseMeta, bytes], T],
        call: Call[Any] | None = None,
    ) -> None:
        super().__init__(
            raw, request_info=request_info, retries_taken=retries_taken, elapsed=elapsed, call=call
        )
        self.content: bytes = content
        self._parser = parser
        self._parsed: dict[Any, Any] = {}

    @property
    def is_closed(self) -> bool:
        """Always True: the body was read before this object was made, and the connection released."""
        return True

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body decoded as JSON; ``msgspec.DecodeError`` if it is not JSON."""
        return msgspec.json.decode(self.content)

    @overload
    def parse(self) -> T: ...
    @overload
    def parse(self, *, to: type[R]) -> R: ...
    def parse(self, *, to: type[R] | None = None) -> T | R:
        """Decode the body into the method's return type, or into ``to`` if given."""
        key = to
        try:
            return self._parsed[key]
        except KeyError:
            pass
        value = self._parser(self, self.content) if to is None else parse_content(self, self.content, to)
        if isinstance(cast(object, value), msgspec.Struct):  # with_raw_response: always look
            look_for_extras(value, self.content, always=True)
        self._parsed[key] = value
        return value


class AsyncAPIResponse(ResponseMeta, Generic[T]):
    """A response whose body is still on the wire: what ``with_streaming_response`` yields.

    Read it once (``read``, ``parse``, ``iter_bytes``, ``stream_to_file`` ...); leaving the ``async with``
    closes it, releasing the connection (a body not read to the end closes the connection).
    """

    __slots__ = ("_closed", "_consumed", "_content", "_parser", "_raw", "_stream_parser")

    def __init__(
        self,
        raw: httpcore2.Response,
        *,
        request_info: RequestInfo,
        retries_taken: int,
        elapsed: float,
        parser: Callable[[ResponseMeta, bytes], T],
        stream_parser: Callable[[AsyncAPIResponse[Any]], T] | None = None,
        call: Call[Any] | None = None,
    ) -> None:
        super().__init__(
            raw, request_info=request_info, retries_taken=retries_taken, elapsed=elapsed, call=call
        )
        self._raw = raw
        self._content: bytes | None = None
        self._consumed = False
        self._closed = False
        self._parser = parser
        self._stream_parser = stream_parser

    @property
    def is_closed(self) -> bool:
        """Whether the body was read to the end or the response closed (the connection is then released)."""
        return self._closed

    async def aclose(self) -> None:
        """Release the connection; idempotent. Safe to call from a cancelled scope."""
        if self._closed:
            return
        self._closed = True
        with shielded():
            await self._raw.aclose()

    async def __aenter__(self) -> AsyncAPIResponse[T]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def iter_bytes(self) -> AsyncIterator[bytes]:
        """The body as it arrives, in the chunks the network gives."""
        if self._content is not None:
            yield self._content
            return
        if self._consumed:
            raise StreamAlreadyConsumed("the body of this response was already read")
        self._consumed = True
        chunks = aiter(cast(Any, self._raw.stream))
        try:
            with map_transport_errors(self.request_info):
                async for chunk in chunks:
                    yield cast(bytes, chunk)
        finally:
            # Close the transport's own async generator too, or trio warns when it is collected
            # unfinished (a consumer that stops at an SSE [DONE] before the body's end).
            close_chunks = getattr(chunks, "aclose", None)
            if close_chunks is not None:
                with shielded():
                    await close_chunks()
            await self.aclose()

    async def iter_text(self) -> AsyncIterator[str]:
        """The body as UTF-8 text as it arrives (a character split across chunks is kept whole).
        Like ``iter_bytes``: once only, ``StreamAlreadyConsumed`` after another read.
        """
        import codecs

        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        async for chunk in self.iter_bytes():
            text = decoder.decode(chunk)
            if text:
                yield text
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail

    async def iter_lines(self) -> AsyncIterator[str]:
        """The body line by line as it arrives, without the line ends (LF, CRLF or CR)."""
        pending = ""
        async for text in self.iter_text():
            pending += text
            lines = pending.splitlines(keepends=True)
            pending = lines.pop() if lines and not lines[-1].endswith(("\n", "\r")) else ""
            for line in lines:
                yield line.rstrip("\r\n")
        if pending:
            yield pending

    async def read(self) -> bytes:
        """The whole body (read once, then kept: later calls return the same bytes).

        A cancellation while reading closes the response (its connection is not reused).
        """
        if self._content is None:
            self._content = b"".join([chunk async for chunk in self.iter_bytes()])
        return self._content

    async def text(self) -> str:
        """The whole body decoded as UTF-8 (undecodable bytes replaced)."""
        return (await self.read()).decode("utf-8", "replace")

    async def json(self) -> Any:
        """The whole body decoded as JSON; ``msgspec.DecodeError`` if it is not JSON."""
        return msgspec.json.decode(await self.read())

    @overload
    def parse(self: AsyncAPIResponse[AsyncStream[E]]) -> AsyncStream[E]: ...
    @overload
    def parse(self) -> Awaitable[T]: ...
    @overload
    def parse(self, *, to: type[R]) -> Awaitable[R]: ...
    def parse(self, *, to: type[R] | None = None) -> Awaitable[T | R] | AsyncStream[Any]:
        """Read the body and decode it into the method's return type, or into ``to`` if given
        (``await response.parse()``); ``APIResponseValidationError`` when the body does not match. For a
        streaming operation, the ``AsyncStream`` of its events at once, as the official SDK gives it
        (``response.parse()``; awaiting it gives the same stream)."""
        if to is None and self._stream_parser is not None:
            return cast("Awaitable[T | R]", self._stream_parser(self))
        return self._parse_body(to)

    async def aparse(self, *, to: type[Any] | None = None) -> Any:
        """`parse` as a coroutine in every case (the blocking response runs it in the portal)."""
        if to is None and self._stream_parser is not None:
            return self._stream_parser(self)
        return await self._parse_body(to)

    async def _parse_body(self, to: type[R] | None) -> T | R:
        content = await self.read()
        return self._parser(self, content) if to is None else parse_content(self, content, to)

    async def stream_to_file(self, file: str | os.PathLike[str], *, chunk_size: int | None = None) -> None:
        """Write the body to ``file`` as it arrives, never holding it all in memory. ``chunk_size`` is
        accepted for compatibility with the official SDK; pieces are written as the network gives them."""
        del chunk_size
        async with await trio.open_file(file, "wb") as f:
            async for chunk in self.iter_bytes():
                await f.write(chunk)

    write_to_file = stream_to_file


class BinaryContent:
    """A binary body that has been read (file content, speech audio, video, ...), with the official
    SDK's methods: ``content``, ``text``, ``json()``, ``iter_*`` / ``aiter_*``, ``write_to_file``.

    For large bodies use ``with_streaming_response`` and ``stream_to_file`` instead, which never hold
    the body in memory.
    """

    __slots__ = ("_meta", "content")

    def __init__(self, content: bytes, meta: ResponseMeta) -> None:
        self.content: bytes = content
        self._meta = meta

    @property
    def response(self) -> ResponseMeta:
        """The response's metadata: ``headers``, ``status_code``, ``request_id``, ``rate_limits``, ``url`` ..."""
        return self._meta

    @property
    def charset_encoding(self) -> str | None:
        """The ``charset`` of the ``Content-Type`` header, if it names one."""
        for part in self._meta.content_type.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                return value.strip("'\" ")
        return None

    @property
    def encoding(self) -> str:
        """The text encoding: the header's ``charset``, else UTF-8."""
        return self.charset_encoding or "utf-8"

    @property
    def text(self) -> str:
        """The body decoded with ``encoding`` (undecodable bytes replaced)."""
        try:
            return self.content.decode(self.encoding, "replace")
        except LookupError:  # a charset Python does not know
            return self.content.decode("utf-8", "replace")

    def json(self, **kwargs: Any) -> Any:
        """The body decoded as JSON; ``msgspec.DecodeError`` if it is not JSON. Keyword arguments are
        accepted for compatibility with the official SDK and ignored."""
        del kwargs
        return msgspec.json.decode(self.content)

    def read(self) -> bytes:
        """The body (already in memory)."""
        return self.content

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in pieces of ``chunk_size`` bytes (all of it at once when ``None``)."""
        content = self.content
        step = chunk_size or len(content) or 1
        for i in range(0, len(content), step):
            yield content[i : i + step]

    iter_raw = iter_bytes

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """The text in pieces of about ``chunk_size`` characters (all of it at once when ``None``)."""
        text = self.text
        step = chunk_size or len(text) or 1
        for i in range(0, len(text), step):
            yield text[i : i + step]

    def iter_lines(self) -> Iterator[str]:
        """The text line by line, without the line ends."""
        yield from self.text.splitlines()

    def write_to_file(self, file: str | os.PathLike[str]) -> None:
        """Write the body to ``file`` now, on both clients, as the official SDK does. In trio code
        prefer ``await astream_to_file(file)``, which writes from a worker thread."""
        with open(file, "wb") as f:
            f.write(self.content)

    def stream_to_file(self, file: str | os.PathLike[str], *, chunk_size: int | None = None) -> None:
        """Write the body to ``file`` (it is in memory already; ``chunk_size`` is accepted and unused)."""
        del chunk_size
        self.write_to_file(file)

    def close(self) -> None:
        """Nothing to release: the body was read and the connection returned already."""

    async def aread(self) -> bytes:
        """The body (already in memory; async for compatibility with the official SDK)."""
        return self.content

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """``iter_bytes`` as an async iterator."""
        for piece in self.iter_bytes(chunk_size):
            yield piece

    aiter_raw = aiter_bytes

    async def aiter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        """``iter_text`` as an async iterator."""
        for piece in self.iter_text(chunk_size):
            yield piece

    async def aiter_lines(self) -> AsyncIterator[str]:
        """``iter_lines`` as an async iterator."""
        for line in self.iter_lines():
            yield line

    async def astream_to_file(self, file: str | os.PathLike[str], *, chunk_size: int | None = None) -> None:
        """Write the body to ``file`` through a worker thread, so trio's loop is not blocked."""
        del chunk_size
        await trio.Path(file).write_bytes(self.content)

    async def aclose(self) -> None:
        """Nothing to release (see ``close``)."""

    def __repr__(self) -> str:
        return f"<BinaryContent {len(self.content)} bytes, {self._meta.content_type or 'no content type'}>"
