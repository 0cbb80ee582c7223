"""OpenAI: the blocking client, a facade over AsyncOpenAI run in the portal thread."""

from __future__ import annotations

import ssl
import warnings
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Final, ParamSpec, TypeVar

import trio

from ._blocking._binding import PoolBinding
from ._blocking._bridge import to_sync
from ._client import AsyncOpenAI, ClientStatistics
from ._core._client_options import ClientOptions
from ._core._fetch_ahead import Spawner
from ._core._options import DEFAULT_MAX_RETRIES, NOT_GIVEN, NotGiven, Omit, Timeout
from ._core._portal import BlockingContextManager, Portal, get_portal
from ._core._request import ClientConfig
from ._core._retry import RetryPolicy
from ._core._transport import AsyncTransport, HTTPTransport
from .resources._tree import ResourceTree

if TYPE_CHECKING:
    from ._blocking._interfaces import BlockingClient

__all__ = ["OpenAI"]

P = ParamSpec("P")
T = TypeVar("T")
_Self = TypeVar("_Self", bound="OpenAI")

MISUSE_HINT = (
    "trio_openai.OpenAI is the blocking client: it cannot be called from a thread running trio "
    "(it would block the event loop). Inside trio, use trio_openai.AsyncOpenAI and await its methods."
)

SyncApiKey = str | Callable[[], str]


def _async_api_key(api_key: SyncApiKey | None) -> str | Callable[[], Awaitable[str]] | None:
    """A key provider is plain blocking code: ask it in a worker thread, never in the portal's."""
    if api_key is None or isinstance(api_key, str) or not callable(api_key):
        return api_key
    provider = api_key

    async def ask() -> str:
        return await trio.to_thread.run_sync(provider)

    return ask


class OpenAI(ClientOptions, ResourceTree):
    """The OpenAI API client for blocking code (scripts, threads, notebooks).

    Same options, resources and return types as :class:`AsyncOpenAI`; every method blocks until its
    result is in. Each call runs the async client's method in a shared background thread running
    trio (the portal), so there is one implementation of every behaviour. Safe to share between
    threads. Ctrl-C cancels the call in flight and releases its connection.

    Use it as ``with OpenAI() as client:`` or call ``client.close()``; a client left open has its
    connections closed when the portal stops (at interpreter exit at the latest).
    ``api_key`` may be a callable returning the key: it is asked (in a worker thread) on every attempt.
    """

    _async: AsyncOpenAI
    _config: ClientConfig
    _binding: PoolBinding
    _portal: Portal
    _closed: bool
    _is_copy: bool

    def __init__(
        self,
        *,
        api_key: SyncApiKey | None = None,
        admin_api_key: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
        base_url: str | None = None,
        websocket_base_url: str | None = None,
        timeout: float | Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        default_headers: Mapping[str, str | Omit] | None = None,
        default_query: Mapping[str, object] | None = None,
        transport: AsyncTransport | None = None,
        http2: bool = False,
        proxy: str | None = None,
        verify: bool | ssl.SSLContext = True,
        max_connections: int | None = 1000,
        max_keepalive_connections: int | None = 100,
        http_client: object | None = None,
        trust_env: bool = True,
    ) -> None:
        if http_client is not None:  # a blocking httpx client: its calls run in worker threads
            from ._core._transport_httpx import http_client_transport

            http_client = http_client_transport(http_client, blocking=True)
        # Built now, so bad options and a missing key fail here; its pool is made lazily, inside
        # the portal's trio run, on the first request.
        inner = AsyncOpenAI(
            api_key=_async_api_key(api_key),
            admin_api_key=admin_api_key,
            organization=organization,
            project=project,
            webhook_secret=webhook_secret,
            base_url=base_url,
            websocket_base_url=websocket_base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            default_headers=default_headers,
            default_query=default_query,
            transport=transport,
            http2=http2,
            proxy=proxy,
            verify=verify,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
            http_client=http_client,
            trust_env=trust_env,
        )
        self._adopt(inner)

    def _adopt(self, inner: AsyncOpenAI) -> None:
        """Serve ``inner`` (built by ``__init__``, or by the blocking Azure client's) through the portal."""
        owns = inner._serve_blocking_surface()  # this facade warns if left open, not the inner client
        portal = get_portal()
        portal.misuse_hint = MISUSE_HINT
        self._async = inner
        self._config = inner._config  # one options object for both: immutable, never written again
        self._portal = portal
        self._binding = PoolBinding(portal, inner._lifetime.transport)
        self._owns_transport = owns
        self._closed = False
        self._is_copy = False
        self._fetch_ahead = False  # set by `with`: page iteration fetches one page ahead

    # --- options (the properties: ClientOptions, over the async client's config) ------------------------

    def with_options(
        self,
        *,
        api_key: SyncApiKey | None = None,
        admin_api_key: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
        base_url: str | None = None,
        websocket_base_url: str | None = None,
        timeout: float | Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry_policy: RetryPolicy | None = None,
        default_headers: Mapping[str, str | Omit] | None = None,
        set_default_headers: Mapping[str, str | Omit] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
    ) -> OpenAI:
        """A client with some options changed that shares this one's connection pool.

        ``default_headers`` / ``default_query`` merge into the current ones; ``set_default_headers`` /
        ``set_default_query`` replace them. Closing the copy leaves the shared pool open.
        """
        inner = self._async.with_options(
            api_key=_async_api_key(api_key),
            admin_api_key=admin_api_key,
            organization=organization,
            project=project,
            webhook_secret=webhook_secret,
            base_url=base_url,
            websocket_base_url=websocket_base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            default_headers=default_headers,
            set_default_headers=set_default_headers,
            default_query=default_query,
            set_default_query=set_default_query,
        )
        return self._copy_over(inner)

    def _copy_over(self: _Self, inner: AsyncOpenAI) -> _Self:
        """A copy of this facade serving ``inner`` (a ``with_options`` copy of its async client)."""
        new = object.__new__(type(self))
        new._async = inner
        new._config = inner._config
        new._portal = self._portal
        new._binding = self._binding
        new._owns_transport = False
        new._closed = False
        new._is_copy = True
        new._fetch_ahead = self._fetch_ahead
        return new

    copy = with_options

    # --- lifetime ------------------------------------------------------------------------------------

    def is_closed(self) -> bool:
        """Whether the client has been closed (a method, as on the official client)."""
        return self._closed or self._async.is_closed()

    def close(self) -> None:
        """Close the connection pool. Idempotent. A ``with_options`` copy only marks itself closed:
        the pool stays open for the client it was copied from."""
        if self._closed:
            return
        self._closed = True
        if self._is_copy:
            return
        if self._binding.bound_to_live_run:
            self._portal.call(self._binding.aclose, self._async.aclose)
        else:  # the pool, if any, belongs to a run that is over: nothing to close politely
            self._binding.forget()
            self._async._mark_closed()

    def __enter__(self) -> OpenAI:
        # As `async with AsyncOpenAI()`: page iteration fetches the next page while the caller works
        # on the current one, in the client's nursery, opened in the portal by the first listing.
        if not self._is_copy:
            self._fetch_ahead = True
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __del__(self) -> None:
        # No I/O here: only a warning, as for an unclosed AsyncOpenAI. The pool is closed when the
        # portal stops, or collected with this client.
        try:
            owns, closed, transport = self._owns_transport, self._closed, self._async._lifetime.transport
        except AttributeError:
            return
        if owns and not closed and isinstance(transport, HTTPTransport) and transport.has_connections:
            warnings.warn(
                "unclosed OpenAI client with open connections; use `with OpenAI() as client:` or close()",
                ResourceWarning,
                stacklevel=2,
                source=self,
            )

    def statistics(self) -> ClientStatistics:
        """Calls in flight and the connection pool's state (read inside the portal when it runs)."""
        if self._binding.bound_to_live_run:
            stats = self._portal.call(self._async_statistics)
        else:
            stats = self._async.statistics()
        return ClientStatistics(in_flight=stats.in_flight, pool=stats.pool, closed=self.is_closed())

    async def _async_statistics(self) -> ClientStatistics:
        return self._async.statistics()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self.base_url!r}{' closed' if self.is_closed() else ''}>"

    # --- the one way into the portal -------------------------------------------------------------------

    def _call(self, fn: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``await fn(*args, **kwargs)`` in the portal, with the pool bound to its current run."""
        self._check_open()
        return self._portal.call(self._binding.run, fn, *args, **kwargs)

    def _wrap_async_cm(self, cm: AbstractAsyncContextManager[T], /) -> BlockingContextManager[T]:
        """A blocking ``with`` around the async context manager `cm`, entered and exited in one portal
        task (`Portal.wrap_async_cm`) with the pool bound to the portal's run, as `_call` does."""
        self._check_open()
        return self._portal.wrap_async_cm(self._binding.wrap_cm(cm))

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(
                "This client has been closed; create a new OpenAI (or keep requests inside its `with` block)."
            )

    async def _ahead_spawner(self) -> Spawner | None:
        """In the portal: where page iteration fetches ahead, or ``None`` (each page when asked)."""
        if not self._fetch_ahead or self._closed:
            return None
        await self._async._open_nursery()
        spawner = self._async._spawner
        return spawner if spawner.nursery is not None else None

    @property
    def _client(self) -> OpenAI:  # lets `to_sync` adapt the client's own async methods
        return self

    # --- low-level verbs, for endpoints newer than this library ------------------------------------------

    get: Final = to_sync(AsyncOpenAI.get)
    post: Final = to_sync(AsyncOpenAI.post)
    patch: Final = to_sync(AsyncOpenAI.patch)
    put: Final = to_sync(AsyncOpenAI.put)
    delete: Final = to_sync(AsyncOpenAI.delete)


if TYPE_CHECKING:  # pyright checks that OpenAI satisfies the Protocol the blocking adapters are typed with
    _satisfies: type[BlockingClient] = OpenAI
