"""The transport seam: anything that turns an httpcore2 Request into a streamed httpcore2 Response.

:class:`HTTPTransport` is the default and the public, configurable one (named and shaped after httpx's
``AsyncHTTPTransport``): httpcore2 connection pools on the trio backend, built on first use, so a
client that never sends costs nothing and TLS is set up only for https. Every pool is
``_transport_pool.Pool``, which never reuses a connection a server left out of step.

Routing: an explicit ``proxy=`` sends everything through that proxy. Otherwise, with ``trust_env`` (the
default), ``HTTP_PROXY`` / ``HTTPS_PROXY`` / ``ALL_PROXY`` / ``NO_PROXY`` decide per origin (see
``_transport_env``), one pool per proxy (and one for direct connections); with ``trust_env=False`` every
request connects directly. ``trust_env`` also lets ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` choose the
certificate authorities when ``verify=True``.

Bad options (an unknown proxy scheme, a negative limit, HTTP/2 or SOCKS without their packages) raise
``ValueError`` / ``ImportError`` here, before any I/O. Tests swap the whole transport for
``trio_openai.testing.MockTransport``.

This is also where httpcore2's exceptions become this library's (as httpx's transport maps httpcore's):
`transport_error` / `map_transport_errors` turn every failure a transport raises into an
`APIConnectionError` (`APITimeoutError` for timeouts) whose ``__cause__`` is the original, and
`is_transient` says whether another attempt may succeed: not after a request we built wrong (a local
protocol error, an unsupported scheme), and not after a TLS certificate failure (the server presents the
same certificate next time).
"""

from __future__ import annotations

import os
import ssl
import threading
from collections.abc import Generator, Iterable
from contextlib import contextmanager
from typing import Protocol, cast, runtime_checkable
from urllib.parse import unquote, urlsplit

import httpcore2
import msgspec

from ._errors import APIConnectionError, APITimeoutError, RequestInfo
from ._transport_env import ProxyRoutes, proxy_routes
from ._transport_pool import Pool

__all__ = [
    "TRANSPORT_ERRORS",
    "AsyncTransport",
    "CertTypes",
    "HTTPTransport",
    "LimitsLike",
    "PoolStatistics",
    "SocketOption",
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


CertTypes = str | tuple[str, str] | tuple[str, str, str]
"""A client certificate: a PEM file with cert and key, ``(certfile, keyfile)``, or with a password."""

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
"""An option for ``socket.setsockopt``: ``(level, option, value)`` (or ``(level, option, None, size)``)."""

_PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
_SHARED_TLS: dict[tuple[object, ...], ssl.SSLContext] = {}
_shared_tls_lock = threading.Lock()
_WARMING: dict[tuple[object, ...], threading.Event] = {}  # shared contexts a warm-up thread is building


def _forget_warm_ups() -> None:
    """In a forked child the warm-up threads do not exist: nobody would finish what they started."""
    global _shared_tls_lock
    _shared_tls_lock = threading.Lock()
    _WARMING.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_warm_ups)


@runtime_checkable
class AsyncTransport(Protocol):
    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response: ...

    async def aclose(self) -> None: ...


class LimitsLike(Protocol):
    """Anything with httpx's ``Limits`` attributes (``httpx2.Limits`` itself fits)."""

    @property
    def max_connections(self) -> int | None: ...

    @property
    def max_keepalive_connections(self) -> int | None: ...

    @property
    def keepalive_expiry(self) -> float | None: ...


class PoolStatistics(msgspec.Struct, frozen=True, kw_only=True):
    """A snapshot of the connection pools (summed over the proxy routes in use)."""

    connections: int = 0
    active_connections: int = 0
    idle_connections: int = 0
    queued_requests: int = 0
    max_connections: int | None = None
    discarded_connections: int = 0
    """Connections closed after a response because the server sent more bytes than it declared."""


def _check_limit(name: str, value: int | None, least: int) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < least):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(f"{name} must be an int >= {least} or None, got {value!r}")
    return value


def _proxy(url: str) -> httpcore2.Proxy:
    """``url`` as an httpcore2 Proxy, its ``user:password@`` turned into proxy authentication."""
    if not isinstance(url, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"proxy must be a URL string, got {type(url).__name__}")
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in _PROXY_SCHEMES or not parts.hostname:
        # the URL itself may carry a password: name only the scheme
        raise ValueError(
            f"proxy must be an http://, https://, socks5:// or socks5h:// URL (got {parts.scheme!r})"
        )
    if parts.scheme.startswith("socks"):
        import importlib.util

        if importlib.util.find_spec("socksio") is None:  # pragma: no cover - depends on the environment
            raise ImportError("A SOCKS proxy needs the socksio package: pip install 'trio-openai[socks]'")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    auth = None
    if parts.username is not None:
        auth = (unquote(parts.username), unquote(parts.password or ""))
    return httpcore2.Proxy(f"{parts.scheme}://{netloc}/", auth=auth)


class HTTPTransport:
    """httpcore2 connection pools on trio: keep-alive, limits, TLS verified by default, proxies (explicit or
    from the environment; ``socks5://`` with the ``socks`` extra) and HTTP/2 (with the ``http2`` extra).

    The options follow httpx's ``AsyncHTTPTransport``: ``verify`` (``True``, ``False``, a CA bundle path
    or an ``ssl.SSLContext``), ``cert``, ``trust_env``, ``http1`` / ``http2``, the limits (given one by one
    or as an httpx-style ``limits`` object), ``proxy``, ``uds`` (a Unix socket path), ``local_address``
    (``"0.0.0.0"`` forces IPv4), ``retries`` (connect attempts retried on connection errors) and
    ``socket_options``. Pass one as ``AsyncOpenAI(transport=...)``; the client then leaves closing it to
    you.
    """

    def __init__(
        self,
        *,
        verify: bool | str | ssl.SSLContext = True,
        cert: CertTypes | None = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        max_connections: int | None = 1000,
        max_keepalive_connections: int | None = 100,
        keepalive_expiry: float | None = 5.0,
        limits: LimitsLike | None = None,
        proxy: str | None = None,
        uds: str | None = None,
        local_address: str | None = None,
        retries: int = 0,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> None:
        if limits is not None:
            max_connections = limits.max_connections
            max_keepalive_connections = limits.max_keepalive_connections
            keepalive_expiry = limits.keepalive_expiry
        if http2:
            import importlib.util

            if importlib.util.find_spec("h2") is None:  # pragma: no cover - depends on the environment
                raise ImportError("HTTP/2 needs the h2 package: pip install 'trio-openai[http2]'")
        if not (http1 or http2):
            raise ValueError("at least one of http1 and http2 must be enabled")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"retries must be a non-negative int, got {retries!r}")
        if keepalive_expiry is not None and keepalive_expiry < 0:
            raise ValueError(f"keepalive_expiry must be >= 0 or None, got {keepalive_expiry!r}")
        if not isinstance(verify, (bool, str, ssl.SSLContext)):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError("verify must be True, False, a CA bundle path or an ssl.SSLContext")
        self._max_connections = _check_limit("max_connections", max_connections, 1)
        self._max_keepalive = _check_limit("max_keepalive_connections", max_keepalive_connections, 0)
        self._keepalive_expiry = keepalive_expiry
        self._http1 = http1
        self._http2 = http2
        self._verify = verify
        self._cert = cert
        self._trust_env = trust_env
        self._uds = uds
        self._local_address = local_address
        self._retries = retries
        self._socket_options = list(socket_options) if socket_options is not None else None
        self._proxy = _proxy(proxy) if proxy is not None else None
        self._proxy_url = proxy
        self._routes: ProxyRoutes | None = None
        if proxy is None and trust_env:
            self._routes = proxy_routes(os.environ)
            for url in self._routes.proxies if self._routes is not None else ():
                _proxy(url)  # a malformed proxy variable fails here, not at the first request
        self._pools: dict[str | None, Pool] = {}
        self._by_origin: dict[tuple[bytes, bytes, int | None], Pool] = {}
        self._pool: Pool | None = None  # set when every request takes the same route
        self._tls: ssl.SSLContext | None = None

    # --- TLS --------------------------------------------------------------------------------------

    def ssl_context(self) -> ssl.SSLContext:
        """A fresh TLS context of this transport's ``verify`` / ``cert`` / ``trust_env`` settings (the
        caller's own context if ``verify`` is one); WebSocket sessions use it too."""
        verify = self._verify
        if isinstance(verify, ssl.SSLContext):
            ctx = verify
        elif verify is True:
            ctx = httpcore2.default_ssl_context(_trust_env=self._trust_env)
        elif verify is False:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        elif os.path.isdir(verify):
            ctx = ssl.create_default_context(capath=verify)
        else:
            ctx = ssl.create_default_context(cafile=verify)
        cert = self._cert
        if cert is not None:
            if isinstance(cert, str):
                ctx.load_cert_chain(cert)
            elif len(cert) == 2:
                ctx.load_cert_chain(cert[0], cert[1])
            else:
                ctx.load_cert_chain(cert[0], cert[1], cert[2])  # pyright: ignore[reportGeneralTypeIssues]
        return ctx

    def _ssl_context(self) -> ssl.SSLContext:
        ctx = self._tls
        if ctx is None:
            ctx = self._tls = self._shared_ssl_context() or self.ssl_context()
        return ctx

    def _shared_key(self) -> tuple[object, ...] | None:
        """What the shared context of these settings depends on (``None``: this transport's is its own)."""
        verify = self._verify
        if self._cert is not None or not isinstance(verify, bool):
            return None
        env = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")) if self._trust_env else None
        return (verify, self._trust_env, env, self._http1, self._http2)

    def _shared_ssl_context(self) -> ssl.SSLContext | None:
        """The process-wide context for ``verify=True`` / ``False`` without a client certificate.

        Building the default context loads the system's CA bundle (~20-40 ms of CPU), so every transport
        of the same settings shares one, built once per process. The key holds everything the context
        depends on: the ``verify`` and ``trust_env`` settings, the ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``
        values read now, and the HTTP versions (httpcore2 sets the ALPN protocols on the context per
        connection, always the same list for the same versions, so sharers never disagree). A CA path,
        a client certificate or the caller's own context are never shared. If :meth:`warm_tls` is
        building it, this waits for that (the rest of the build) instead of building a second one.
        """
        key = self._shared_key()
        if key is None:
            return None
        ctx = _SHARED_TLS.get(key)
        if ctx is None:
            warming = _WARMING.get(key)
            if warming is not None:
                warming.wait()
            with _shared_tls_lock:
                ctx = _SHARED_TLS.get(key)
                if ctx is None:
                    ctx = _SHARED_TLS[key] = self.ssl_context()
        return ctx

    def warm_tls(self) -> bool:
        """Start building the shared TLS context in a background thread, so the first HTTPS request
        finds it ready instead of loading the CA bundle on its own path (the client calls this when its
        base URL is ``https``). Loading the bundle is mostly OpenSSL's C code, which overlaps with what
        the caller does meanwhile (imports, the DNS lookup, connecting). Once per process and settings;
        nothing for a transport whose context is its own (a CA path, a client certificate, a given
        context). A failure is left to the request, which builds the context again and raises it.
        Returns whether a thread was started."""
        key = self._shared_key()
        if key is None or key in _SHARED_TLS:
            return False
        with _shared_tls_lock:
            if key in _SHARED_TLS or key in _WARMING:
                return False
            done = _WARMING[key] = threading.Event()

        def build() -> None:
            try:
                ctx: ssl.SSLContext | None = self.ssl_context()
            except BaseException:  # the request path builds it again and raises the error there
                ctx = None
            with _shared_tls_lock:
                if ctx is not None:
                    _SHARED_TLS.setdefault(key, ctx)
                _WARMING.pop(key, None)
            done.set()

        try:
            threading.Thread(target=build, name="trio-openai-tls-warm-up", daemon=True).start()
        except RuntimeError:  # no threads to be had (interpreter shutting down): build on first use
            with _shared_tls_lock:
                _WARMING.pop(key, None)
            done.set()
            return False
        return True

    # --- pools --------------------------------------------------------------------------------------

    def _build_pool(self, scheme: bytes, proxy_url: str | None) -> Pool:
        proxy = self._proxy if proxy_url is self._proxy_url else _proxy(proxy_url) if proxy_url else None
        defaults = self._verify is True and self._cert is None and self._trust_env
        needs_tls = scheme in (b"https", b"wss") or bool(proxy_url and proxy_url.startswith("https"))
        return Pool(
            ssl_context=self._ssl_context() if needs_tls or not defaults else None,
            proxy=proxy,
            max_connections=self._max_connections,
            max_keepalive_connections=self._max_keepalive,
            keepalive_expiry=self._keepalive_expiry,
            http1=self._http1,
            http2=self._http2,
            retries=self._retries,
            local_address=self._local_address,
            uds=self._uds,
            socket_options=self._socket_options,
            network_backend=cast(httpcore2.AsyncNetworkBackend, httpcore2.TrioBackend()),
        )

    def _route(self, url: httpcore2.URL) -> Pool:
        routes = self._routes
        if routes is None:
            pool = self._pools.get(self._proxy_url)
            if pool is None:
                pool = self._pools[self._proxy_url] = self._build_pool(url.scheme, self._proxy_url)
            self._pool = pool
            return pool
        key = (url.scheme, url.host, url.port)
        pool = self._by_origin.get(key)
        if pool is None:
            proxy_url = routes.lookup(url.scheme.decode("ascii"), url.host.decode("ascii"), url.port)
            pool = self._pools.get(proxy_url)
            if pool is None:
                pool = self._pools[proxy_url] = self._build_pool(url.scheme, proxy_url)
            self._by_origin[key] = pool
        return pool

    def proxy_for(self, url: str) -> str | None:
        """The proxy a request to ``url`` goes through (``None``: a direct connection). No I/O."""
        if self._routes is None:
            return self._proxy_url
        parts = urlsplit(url)
        return self._routes.lookup(parts.scheme, parts.hostname or "", parts.port)

    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response:
        pool = self._pool
        if pool is None:
            pool = self._route(request.url)
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        pools = list(self._pools.values())
        self._pools.clear()
        self._by_origin.clear()
        self._pool = None
        for pool in pools:
            await pool.aclose()

    def forget_pool(self) -> None:
        """Drop the pools without closing them: no I/O, safe from any thread.

        For pools made in a trio run that is over (the blocking client's portal restarted, or this is a
        forked child): their sockets cannot be used or closed politely from another run. The next
        request builds fresh pools; the old connections close when garbage collected.
        """
        self._pools = {}
        self._by_origin = {}
        self._pool = None

    @property
    def has_connections(self) -> bool:
        return any(pool.connections for pool in list(self._pools.values()))

    def statistics(self) -> PoolStatistics:
        connections = idle = queued = discarded = 0
        for pool in list(self._pools.values()):
            conns = pool.connections
            connections += len(conns)
            idle += sum(1 for c in conns if c.is_idle())
            queued += pool.queued_requests
            discarded += pool.guard.poisoned
        return PoolStatistics(
            connections=connections,
            active_connections=connections - idle,
            idle_connections=idle,
            queued_requests=queued,
            max_connections=self._max_connections,
            discarded_connections=discarded,
        )

    def __repr__(self) -> str:
        pools = ", ".join(repr(pool) for pool in self._pools.values())
        return f"<HTTPTransport [{pools}]>"
