"""The transport seam: anything that turns an httpcore2 Request into a streamed httpcore2 Response.

The default is an ``httpcore2.AsyncConnectionPool`` on the trio backend, built on first use (so a
client that never sends costs nothing, and TLS setup happens only for https). Tests swap in
``trio_openai.testing.MockTransport``.

This is also where httpcore2's exceptions become this library's (as httpx's transport maps httpcore's):
`transport_error` / `map_transport_errors` turn every failure a transport raises into an
`APIConnectionError` (`APITimeoutError` for timeouts) whose ``__cause__`` is the original, and
`is_transient` says whether another attempt may succeed: not after a request we built wrong (a local
protocol error, an unsupported scheme), and not after a TLS certificate failure (the server presents the
same certificate next time).
"""

from __future__ import annotations

import ssl
from collections.abc import Generator
from contextlib import contextmanager
from typing import Protocol, cast, runtime_checkable

import httpcore2
import msgspec

from ._errors import APIConnectionError, APITimeoutError, RequestInfo

__all__ = [
    "TRANSPORT_ERRORS",
    "AsyncTransport",
    "HTTPTransport",
    "PoolStatistics",
    "is_transient",
    "map_transport_errors",
    "transport_error",
]

#: What a transport raises when a request got no complete answer.
TRANSPORT_ERRORS = (
    httpcore2.TimeoutException,
    httpcore2.NetworkError,
    httpcore2.RemoteProtocolError,
    httpcore2.ProxyError,
    httpcore2.LocalProtocolError,
    httpcore2.UnsupportedProtocol,
    ssl.SSLError,
)
#: Failures another attempt cannot fix: the request itself is wrong.
_PERMANENT = (httpcore2.LocalProtocolError, httpcore2.UnsupportedProtocol)


def transport_error(exc: Exception, info: RequestInfo) -> APIConnectionError:
    """This library's error for a transport failure ``exc``, with ``exc`` as its ``__cause__``."""
    if isinstance(exc, httpcore2.TimeoutException):
        error: APIConnectionError = APITimeoutError(info)
    else:
        error = APIConnectionError(request=info)
    error.__cause__ = exc
    return error


@contextmanager
def map_transport_errors(info: RequestInfo) -> Generator[None, None, None]:
    """Turn httpcore2's exceptions into this library's, keeping the original as ``__cause__``."""
    try:
        yield
    except TRANSPORT_ERRORS as exc:
        raise transport_error(exc, info) from exc


def is_transient(error: APIConnectionError) -> bool:
    """Whether another attempt may succeed after ``error`` (a `transport_error`)."""
    cause = error.__cause__
    if not isinstance(cause, TRANSPORT_ERRORS) or isinstance(cause, _PERMANENT):
        return False  # not a transport failure (raised by other code), or a request we built wrong
    return not _certificate_failure(cause)


def _certificate_failure(exc: BaseException) -> bool:
    """Whether a TLS certificate check failed somewhere in ``exc``'s chain (trio raises
    ``BrokenResourceError`` from the ``SSLCertVerificationError``; httpcore2 wraps that in ``ConnectError``)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


@runtime_checkable
class AsyncTransport(Protocol):
    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response: ...

    async def aclose(self) -> None: ...


class PoolStatistics(msgspec.Struct, frozen=True, kw_only=True):
    """A snapshot of the connection pool."""

    connections: int = 0
    active_connections: int = 0
    idle_connections: int = 0
    queued_requests: int = 0
    max_connections: int | None = None


class HTTPTransport:
    """An httpcore2 connection pool on trio: keep-alive, connection limits, TLS verified by default,
    optional proxy (``http://``, ``https://`` or, with the ``socks`` extra, ``socks5://``) and HTTP/2
    (with the ``http2`` extra)."""

    def __init__(
        self,
        *,
        max_connections: int | None = 1000,
        max_keepalive_connections: int | None = 100,
        keepalive_expiry: float | None = 5.0,
        http2: bool = False,
        verify: bool | ssl.SSLContext = True,
        proxy: str | None = None,
        retries: int = 0,
    ) -> None:
        if http2:
            import importlib.util

            if importlib.util.find_spec("h2") is None:  # pragma: no cover - depends on the environment
                raise ImportError("HTTP/2 needs the h2 package: pip install 'trio-openai[http2]'")
        self._max_connections = max_connections
        self._max_keepalive = max_keepalive_connections
        self._keepalive_expiry = keepalive_expiry
        self._http2 = http2
        self._verify = verify
        self._proxy = proxy
        self._retries = retries
        self._pool: httpcore2.AsyncConnectionPool | None = None

    def ssl_context(self) -> ssl.SSLContext:
        """The TLS context of this transport's ``verify`` setting (a fresh one unless the caller gave their
        own); WebSocket sessions use it too."""
        return self._ssl_context()

    def _ssl_context(self) -> ssl.SSLContext:
        if isinstance(self._verify, ssl.SSLContext):
            return self._verify
        ctx = httpcore2.default_ssl_context()
        if not self._verify:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        return ctx

    def _build_pool(self, scheme: bytes) -> httpcore2.AsyncConnectionPool:
        needs_tls = scheme == b"https" or bool(self._proxy and self._proxy.startswith("https"))
        kwargs: dict[str, object] = {}
        if self._proxy:
            kwargs["proxy"] = httpcore2.Proxy(self._proxy)
        return httpcore2.AsyncConnectionPool(
            ssl_context=self._ssl_context() if needs_tls or not self._verify else None,
            max_connections=self._max_connections,
            max_keepalive_connections=self._max_keepalive,
            keepalive_expiry=self._keepalive_expiry,
            http1=True,
            http2=self._http2,
            retries=self._retries,
            network_backend=cast(httpcore2.AsyncNetworkBackend, httpcore2.TrioBackend()),
            **kwargs,  # type: ignore[arg-type]
        )

    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response:
        pool = self._pool
        if pool is None:
            pool = self._pool = self._build_pool(request.url.scheme)
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.aclose()

    def forget_pool(self) -> None:
        """Drop the pool without closing it: no I/O, safe from any thread.

        For a pool made in a trio run that is over (the blocking client's portal restarted, or
        this is a forked child): its sockets cannot be used or closed politely from another run.
        The next request builds a fresh pool; the old connections close when garbage collected.
        """
        self._pool = None

    @property
    def has_connections(self) -> bool:
        return self._pool is not None and bool(self._pool.connections)

    def statistics(self) -> PoolStatistics:
        pool = self._pool
        if pool is None:
            return PoolStatistics(max_connections=self._max_connections)
        conns = pool.connections
        idle = sum(1 for c in conns if c.is_idle())
        queued = sum(1 for r in pool._requests if r.is_queued())
        return PoolStatistics(
            connections=len(conns),
            active_connections=len(conns) - idle,
            idle_connections=idle,
            queued_requests=queued,
            max_connections=self._max_connections,
        )

    def __repr__(self) -> str:
        return f"<HTTPTransport {self._pool!r}>"
