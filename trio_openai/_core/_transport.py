"""The transport seam: anything that turns an httpcore2 Request into a streamed httpcore2 Response.

The default is an ``httpcore2.AsyncConnectionPool`` on the trio backend, built on first use (so a
client that never sends costs nothing, and TLS setup happens only for https). Tests swap in
``trio_openai.testing.MockTransport``.
"""

from __future__ import annotations

import ssl
from typing import Protocol, cast, runtime_checkable

import httpcore2
import msgspec

from ._transport_pool import Pool

__all__ = ["AsyncTransport", "HTTPTransport", "PoolStatistics"]


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
    discarded_connections: int = 0
    """Connections closed after a response because the server sent more bytes than it declared."""


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
        self._pool: Pool | None = None

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

    def _build_pool(self, scheme: bytes) -> Pool:
        needs_tls = scheme == b"https" or bool(self._proxy and self._proxy.startswith("https"))
        kwargs: dict[str, object] = {}
        if self._proxy:
            kwargs["proxy"] = httpcore2.Proxy(self._proxy)
        return Pool(
            ssl_context=self._ssl_context() if needs_tls or not self._verify else None,
            max_connections=self._max_connections,
            max_keepalive_connections=self._max_keepalive,
            keepalive_expiry=self._keepalive_expiry,
            http1=True,
            http2=self._http2,
            retries=self._retries,
            network_backend=cast(httpcore2.AsyncNetworkBackend, httpcore2.TrioBackend()),
            **kwargs,
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
            discarded_connections=pool.guard.poisoned,
        )

    def __repr__(self) -> str:
        return f"<HTTPTransport {self._pool!r}>"
