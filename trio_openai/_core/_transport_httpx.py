"""``http_client=``: an httpx client of the user's own, as a trio_openai transport.

Code written for the official SDK builds its own ``httpx2.AsyncClient`` / ``httpx2.Client`` (or the legacy
``httpx`` ones) for event hooks, mounts, auth, custom default headers or a proxy, and passes it as
``http_client=``. :func:`http_client_transport` wraps it:

* :class:`AsyncHttpxTransport` over an ``AsyncClient`` (``AsyncOpenAI``): each request is built with the
  client's ``build_request`` (so its default headers, cookies and params apply; ours win on a clash; our
  timeouts are passed explicitly) and sent with ``client.send(..., stream=True)``, so auth, event hooks,
  redirects and mounts all run as they do under the official SDK. httpx runs on trio natively.
* :class:`BlockingHttpxTransport` over a ``Client`` (the blocking ``OpenAI``): the same, with every
  blocking call (send, each body read, close) run in a worker thread. A cancelled call abandons the
  thread and closes the response (in another worker thread, shielded, bounded), so the caller is never
  held by a blocked read and no connection is left checked out.

The body comes back decoded (gzip and deflate, which is what the adapter asks for unless the request
says otherwise, are undone here, other encodings by httpx; the ``Content-Encoding`` header is then
dropped).
httpx's errors become httpcore2's equivalents (a timeout stays a timeout, a connect error a connect error)
so the pipeline maps and retries them as it does its own; the httpx exception itself is not chained, as it
holds the request with its ``Authorization`` header. Exceptions raised by the user's own hooks or auth
propagate unchanged. Closing the transport closes the httpx client, as the official SDK's ``close()``
does.

Nothing here imports httpx: the client object's own module is looked up in ``sys.modules``.
The ``DefaultAsyncHttpxClient`` / ``DefaultHttpxClient`` classes and ``DefaultAsyncHttpx2Client`` /
``DefaultHttpx2Client`` functions that ``trio_openai`` exports (as the official SDK does) import ``httpx2``
on first access (``lazy_export``).
"""

from __future__ import annotations

import sys
import threading
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Iterable, Iterator
from functools import cache
from typing import Any, Literal, TypeVar, cast

import httpcore2
import trio
from httpcore2._models import ByteStream

from ._cleanup import shielded
from ._options import Timeout

__all__ = [
    "LAZY_EXPORTS",
    "AsyncHttpxTransport",
    "BlockingHttpxTransport",
    "http_client_kind",
    "http_client_transport",
    "inherited_timeout",
    "lazy_export",
]

T = TypeVar("T")

_ENCODED = frozenset({b"content-encoding", b"content-length"})
_HTTPCORE_NAMES = (
    "ConnectTimeout",
    "ReadTimeout",
    "WriteTimeout",
    "PoolTimeout",
    "TimeoutException",
    "ConnectError",
    "ReadError",
    "WriteError",
    "NetworkError",
    "ProxyError",
    "UnsupportedProtocol",
    "LocalProtocolError",
    "RemoteProtocolError",
)


def http_client_kind(client: object) -> str | None:
    """``"async"`` for an httpx2/httpx ``AsyncClient``, ``"sync"`` for a ``Client``, else ``None``."""
    for name in ("httpx2", "httpx"):
        module = sys.modules.get(name)
        if module is None:
            continue
        if isinstance(client, module.AsyncClient):
            return "async"
        if isinstance(client, module.Client):
            return "sync"
    return None


def http_client_transport(client: object, *, blocking: bool) -> AsyncHttpxTransport | BlockingHttpxTransport:
    """The adapter for ``client``; ``TypeError`` if it is not the kind of httpx client this client takes."""
    if isinstance(client, (AsyncHttpxTransport, BlockingHttpxTransport)):
        return client
    kind = http_client_kind(client)
    if blocking and kind == "sync":
        return BlockingHttpxTransport(client)
    if not blocking and kind == "async":
        return AsyncHttpxTransport(client)
    wanted = "httpx2.Client` (or `httpx.Client" if blocking else "httpx2.AsyncClient` (or `httpx.AsyncClient"
    raise TypeError(
        f"Invalid `http_client` argument; expected an instance of `{wanted}` but got {type(client)}"
    )


def inherited_timeout(client: object) -> Timeout | None:
    """The httpx client's timeout, if the user set one (it differs from httpx's default of 5 s), as the
    official SDK inherits it when no ``timeout=`` is given; else ``None``."""
    timeout: Any = getattr(client, "timeout", None)
    if timeout is None:
        return None
    phases = (timeout.connect, timeout.read, timeout.write, timeout.pool)
    if phases == (5.0, 5.0, 5.0, 5.0):
        return None
    return Timeout(connect=phases[0], read=phases[1], write=phases[2], pool=phases[3])


def _map_exception(exc: BaseException) -> BaseException | None:
    """httpcore2's exception for an httpx ``RequestError`` (same class name), or ``None``."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "RequestError" not in names:
        return None
    for name in _HTTPCORE_NAMES:
        if name in names:
            return getattr(httpcore2, name)(str(exc))
    if "ProtocolError" in names:
        return httpcore2.RemoteProtocolError(str(exc))
    # TooManyRedirects, DecodingError, InvalidURL...: permanent, so not retried
    return httpcore2.LocalProtocolError(f"{type(exc).__name__}: {exc}")


async def _guarded(awaitable: Awaitable[T]) -> T:
    """``await awaitable``, an httpx ``RequestError`` turned into httpcore2's. The new error is raised
    outside the ``except`` block, so the httpx one (holding the request and its headers) is neither its
    cause nor its context."""
    try:
        return await awaitable
    except Exception as exc:
        mapped = _map_exception(exc)
        if mapped is None:
            raise
        cause = exc.__cause__  # httpx chains the httpcore error it mapped; that one carries no request
        if not isinstance(cause, (httpcore2.NetworkError, httpcore2.TimeoutException)):
            cause = None
        del exc
    raise mapped from cause


def _request_args(request: httpcore2.Request) -> tuple[str, str, list[tuple[bytes, bytes]], dict[str, Any]]:
    extensions = cast(dict[str, Any], request.extensions)  # pyright: ignore[reportUnknownMemberType]
    return (
        request.method.decode("ascii"),
        bytes(request.url).decode("ascii"),
        list(request.headers),
        {key: extensions[key] for key in ("timeout", "sni_hostname") if key in extensions},
    )


def _response_headers(response: Any) -> list[tuple[bytes, bytes]]:
    raw: list[tuple[bytes, bytes]] = list(response.headers.raw)
    if any(key.lower() == b"content-encoding" for key, _ in raw):
        return [(key, value) for key, value in raw if key.lower() not in _ENCODED]
    return raw


def _extensions(response: Any) -> dict[str, Any]:
    return {
        "http_version": str(response.http_version).encode("ascii", "replace"),
        "reason_phrase": str(response.reason_phrase).encode("latin-1", "replace"),
    }


async def _body_of(request: httpcore2.Request, *, buffer: bool) -> bytes | AsyncIterator[bytes]:
    """The request body: bytes when it is bytes already (or ``buffer``), else the async iterator."""
    stream = request.stream
    if isinstance(stream, ByteStream):
        return b"".join(cast(Iterable[bytes], stream))
    chunks = cast(AsyncIterable[bytes], stream)
    if not buffer:
        return chunks.__aiter__()
    return b"".join([chunk async for chunk in chunks])


class _Inflate:
    """gzip / deflate decoding with zlib (the encodings this adapter asks for)."""

    __slots__ = ("_z",)

    def __init__(self, encoding: bytes) -> None:
        # 47: gzip or zlib header, detected; -15: a raw deflate stream
        self._z = zlib.decompressobj(47 if encoding in (b"gzip", b"x-gzip", b"deflate") else -15)

    def feed(self, data: bytes) -> bytes:
        try:
            return self._z.decompress(data)
        except zlib.error as exc:
            raise httpcore2.RemoteProtocolError(f"malformed compressed body: {exc}") from None

    def flush(self) -> bytes:
        return self._z.flush()


def _decoder_for(response: Any) -> _Inflate | Literal[False] | None:
    """``None``: no encoding; an ``_Inflate``: gzip/deflate; ``False``: another one (httpx decodes it)."""
    encoding = response.headers.get("content-encoding", "").strip().lower().encode("latin-1")
    if encoding in (b"", b"identity"):
        return None
    if encoding in (b"gzip", b"x-gzip", b"deflate"):
        return _Inflate(encoding)
    return False


def _innermost(stream: Any) -> Any:
    """Below httpx's stream wrappers (the client's timing wrapper, the transport's exception mapper)."""
    for _ in range(4):
        inner = getattr(stream, "_stream", None) or getattr(stream, "_httpcore_stream", None)
        if inner is None:
            break
        stream = inner
    return stream


class _AsyncBody:
    """The body of an httpx response, read from the stream below httpx's own generators.

    httpx's ``aiter_*`` generators do not close the httpcore generator they iterate when they are
    broken off, so under trio a stream the caller leaves early would leave a generator for the garbage
    collector (and a ``ResourceWarning``). Reading the transport's stream directly and closing it
    ourselves avoids that; gzip/deflate are undone here, anything else falls back to ``aiter_bytes``.
    """

    __slots__ = ("_response",)

    def __init__(self, response: Any) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        response = self._response
        decoder = _decoder_for(response)
        if decoder is False:
            source: Any = response.aiter_bytes()
        else:
            source = _innermost(response.stream).__aiter__()
        try:
            while True:
                try:
                    chunk: bytes = await _guarded(source.__anext__())
                except StopAsyncIteration:
                    break
                if decoder:
                    chunk = decoder.feed(chunk)
                    if not chunk:
                        continue
                yield chunk
            if decoder:
                tail = decoder.flush()
                if tail:
                    yield tail
        finally:  # close the generators now, not when they are collected
            close = getattr(source, "aclose", None)
            if close is not None:
                await close()

    async def aclose(self) -> None:
        await _guarded(self._response.aclose())


class AsyncHttpxTransport:
    """A transport over the user's ``httpx2.AsyncClient`` (see the module docstring)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response:
        method, url, headers, extensions = _request_args(request)
        content = await _body_of(request, buffer=False)
        if not any(key.lower() == b"accept-encoding" for key, _ in headers):
            headers.append((b"Accept-Encoding", b"gzip, deflate"))
        client = self.client

        async def send() -> Any:
            built = client.build_request(method, url, headers=headers, content=content, extensions=extensions)
            return await client.send(built, stream=True)

        response = await _guarded(send())
        return httpcore2.Response(
            response.status_code,
            headers=_response_headers(response),
            content=_AsyncBody(response),
            extensions=_extensions(response),
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    @property
    def is_closed(self) -> bool:
        return bool(self.client.is_closed)

    def __repr__(self) -> str:
        return f"<AsyncHttpxTransport {type(self.client).__module__}.{type(self.client).__name__}>"


_CLOSE_DEADLINE = 5.0


async def _in_thread(fn: Any, on_abandoned: Any) -> Any:
    """``fn()`` in a worker thread; if the caller is cancelled, the thread is abandoned and its eventual
    result handed to ``on_abandoned`` (in that thread), so nothing it opened is left open."""
    lock = threading.Lock()
    state: dict[str, Any] = {}

    def run() -> Any:
        result = fn()
        with lock:
            if "abandoned" not in state:
                state["result"] = result
                return result
        on_abandoned(result)
        return None

    try:
        return await trio.to_thread.run_sync(run, abandon_on_cancel=True)
    except BaseException:
        with lock:
            state["abandoned"] = True
            delivered = state.pop("result", None)
        if delivered is not None:  # it finished just as we were cancelled
            with shielded(_CLOSE_DEADLINE):
                await trio.to_thread.run_sync(on_abandoned, delivered, abandon_on_cancel=True)
        raise


def _close_quietly(response: Any) -> None:
    try:
        response.close()
    except Exception:
        pass


class _BlockingBody:
    __slots__ = ("_iterator", "_response")

    def __init__(self, response: Any) -> None:
        self._response = response
        self._iterator: Iterator[bytes] = response.iter_bytes()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        iterator = self._iterator
        try:
            while True:
                chunk = await _guarded(trio.to_thread.run_sync(next, iterator, None, abandon_on_cancel=True))
                if chunk is None:
                    return
                yield chunk
        except BaseException:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        with shielded(_CLOSE_DEADLINE):
            await trio.to_thread.run_sync(_close_quietly, self._response, abandon_on_cancel=True)


class BlockingHttpxTransport:
    """A transport over the user's blocking ``httpx2.Client``, its calls run in worker threads."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response:
        method, url, headers, extensions = _request_args(request)
        content = await _body_of(request, buffer=True)
        client = self.client

        def send() -> Any:
            built = client.build_request(method, url, headers=headers, content=content, extensions=extensions)
            return client.send(built, stream=True)

        response = await _guarded(_in_thread(send, _close_quietly))
        return httpcore2.Response(
            response.status_code,
            headers=_response_headers(response),
            content=_BlockingBody(response),
            extensions=_extensions(response),
        )

    async def aclose(self) -> None:
        with shielded(_CLOSE_DEADLINE):
            await trio.to_thread.run_sync(self.client.close, abandon_on_cancel=True)

    @property
    def is_closed(self) -> bool:
        return bool(self.client.is_closed)

    def __repr__(self) -> str:
        return f"<BlockingHttpxTransport {type(self.client).__module__}.{type(self.client).__name__}>"


def _defaults(kwargs: dict[str, Any]) -> dict[str, Any]:
    import httpx2

    kwargs.setdefault("timeout", httpx2.Timeout(timeout=600.0, connect=5.0))
    kwargs.setdefault("limits", httpx2.Limits(max_connections=1000, max_keepalive_connections=100))
    kwargs.setdefault("follow_redirects", True)
    return kwargs


@cache
def default_client_classes() -> tuple[type[Any], type[Any]]:
    """``(DefaultAsyncHttpxClient, DefaultHttpxClient)``: ``httpx2.AsyncClient`` / ``httpx2.Client``
    subclasses with the official SDK's defaults (600 s timeout with 5 s to connect, 1,000 connections of
    which 100 kept alive, redirects followed), which keyword arguments override. Imports httpx2."""
    try:
        import httpx2
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("http_client= needs httpx2: pip install 'trio-openai[httpx]'") from exc

    class DefaultAsyncHttpxClient(httpx2.AsyncClient):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**_defaults(kwargs))

    class DefaultHttpxClient(httpx2.Client):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**_defaults(kwargs))

    for cls in (DefaultAsyncHttpxClient, DefaultHttpxClient):
        cls.__module__ = "trio_openai"
        cls.__qualname__ = cls.__name__
    return DefaultAsyncHttpxClient, DefaultHttpxClient


def default_async_httpx2_client(**kwargs: Any) -> Any:
    """An ``httpx2.AsyncClient`` with the official SDK's defaults (the ``DefaultAsyncHttpx2Client`` export)."""
    import httpx2

    return httpx2.AsyncClient(**_defaults(kwargs))


def default_httpx2_client(**kwargs: Any) -> Any:
    """An ``httpx2.Client`` with the official SDK's defaults (the ``DefaultHttpx2Client`` export)."""
    import httpx2

    return httpx2.Client(**_defaults(kwargs))


def lazy_export(name: str) -> Any:
    """The value of one of the httpx-related names ``trio_openai`` exports lazily."""
    if name == "DefaultAsyncHttpxClient":
        return default_client_classes()[0]
    if name == "DefaultHttpxClient":
        return default_client_classes()[1]
    if name == "DefaultAsyncHttpx2Client":
        return default_async_httpx2_client
    if name == "DefaultHttpx2Client":
        return default_httpx2_client
    raise AttributeError(name)


LAZY_EXPORTS = (
    "DefaultAsyncHttpx2Client",
    "DefaultAsyncHttpxClient",
    "DefaultHttpx2Client",
    "DefaultHttpxClient",
)
