"""AsyncOpenAI: configuration, resource wiring, with_options() and lifetime."""

from __future__ import annotations

import os
import ssl
import sys
import warnings
from collections.abc import AsyncIterable, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

import msgspec
import trio

from ._core._cleanup import shielded
from ._core._client_options import ClientOptions
from ._core._errors import OpenAIError
from ._core._hosted import HostedNursery
from ._core._logs import setup_from_env
from ._core._options import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    NotGiven,
    Omit,
    RequestOptions,
    Timeout,
    to_timeout,
    validate_max_retries,
)
from ._core._pagination import AsyncPaginator, BasePage
from ._core._pipeline import Sent, send
from ._core._platform import platform_headers
from ._core._request import ApiKey, BaseURL, Call, ClientConfig, ResponseMode
from ._core._response import APIResponse, AsyncAPIResponse, BinaryContent, ResponseMeta, parse_content
from ._core._retry import RetryPolicy
from ._core._transport import AsyncTransport, HTTPTransport, PoolStatistics
from ._version import __version__
from .resources._tree import AsyncResourceTree

if TYPE_CHECKING:
    from ._core._interfaces import ResourceClient

__all__ = ["AsyncOpenAI", "ClientStatistics"]

T = TypeVar("T")
PageT = TypeVar("PageT", bound=BasePage[Any])
ItemT = TypeVar("ItemT")

DEFAULT_BASE_URL = "https://api.openai.com/v1"


class ClientStatistics(msgspec.Struct, frozen=True, kw_only=True):
    """``client.statistics()``: calls in flight and the connection pool's state."""

    in_flight: int
    pool: PoolStatistics | None
    closed: bool


class _Lifetime:
    """Shared by a client and its ``with_options`` copies: the transport and whether it is closed."""

    __slots__ = ("closed", "host", "in_flight", "owns_transport", "transport")

    def __init__(self, transport: AsyncTransport, owns_transport: bool) -> None:
        self.transport = transport
        self.owns_transport = owns_transport
        self.closed = False
        self.in_flight = 0
        # Open while the client is used as `async with`: plain page iteration fetches ahead in it.
        self.host: HostedNursery | None = None

    @property
    def nursery(self) -> trio.Nursery | None:
        host = self.host
        return None if host is None else host.nursery


def _user_agent() -> str:
    impl = sys.implementation.name
    version = ".".join(map(str, sys.version_info[:3]))
    return f"trio-openai/{__version__} ({impl} {version}; trio {trio.__version__}; {sys.platform})"


def _custom_headers_from_env() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in os.environ.get("OPENAI_CUSTOM_HEADERS", "").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip():
            out[name.strip()] = value.strip()
    return out


class AsyncOpenAI(ClientOptions, AsyncResourceTree):
    """The OpenAI API client for trio.

    Use it as ``async with AsyncOpenAI() as client:`` (or call ``await client.aclose()``). Options not
    given come from the environment as in the official SDK (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``,
    ``OPENAI_ORG_ID``, ``OPENAI_PROJECT_ID``, ``OPENAI_WEBHOOK_SECRET``, ``OPENAI_CUSTOM_HEADERS``).

    ``api_key`` may be a callable (sync or async) returning the key; it is asked again on every attempt.
    ``timeout`` is seconds, a :class:`Timeout` or ``None`` (no timeout); default ``Timeout(600, connect=5)``.
    ``retry_policy`` replaces the whole :class:`RetryPolicy`; ``max_retries`` adjusts just its budget.
    ``transport`` swaps the HTTP layer (``trio_openai.testing.MockTransport`` in tests); otherwise an
    httpcore2 pool is built with ``max_connections``, ``max_keepalive_connections``, ``http2``, ``proxy``
    and ``verify`` (TLS verification is on by default; pass an ``ssl.SSLContext`` to customise it);
    ``trust_env=False`` stops it reading ``*_PROXY`` / ``NO_PROXY`` / ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``
    (build an :class:`HTTPTransport` for the other options). ``http_client`` takes an
    ``httpx2.AsyncClient`` of your own (hooks, auth, mounts), closed with this client.
    """

    def __init__(
        self,
        *,
        api_key: str | Callable[[], str | Awaitable[str]] | None = None,
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
        setup_from_env()
        if api_key is None:
            api_key = os.environ.get("OPENAI_API_KEY")
        if admin_api_key is None:
            admin_api_key = os.environ.get("OPENAI_ADMIN_KEY") or None
        if admin_api_key is not None and not isinstance(admin_api_key, str):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError("admin_api_key must be a str")
        if api_key is None or api_key == "":
            if admin_api_key is None:
                raise OpenAIError(
                    "Missing credentials: pass api_key=... (or admin_api_key=...) to the client or set "
                    "the OPENAI_API_KEY (or OPENAI_ADMIN_KEY) environment variable."
                )
            api_key = ""  # admin endpoints only: the others fail before any I/O
        if not isinstance(api_key, str) and not callable(api_key):
            raise TypeError("api_key must be a str or a callable returning one")
        if organization is None:
            organization = os.environ.get("OPENAI_ORG_ID") or None
        if project is None:
            project = os.environ.get("OPENAI_PROJECT_ID") or None
        if webhook_secret is None:
            webhook_secret = os.environ.get("OPENAI_WEBHOOK_SECRET") or None
        if base_url is None:
            base_url = os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        policy = retry_policy or RetryPolicy()
        if retry_policy is None or max_retries != DEFAULT_MAX_RETRIES:
            policy = policy.replace(max_retries=validate_max_retries(max_retries))
        headers: dict[str, str | Omit] = {**_custom_headers_from_env(), **(default_headers or {})}
        owns = transport is None
        if http_client is not None:  # the user's httpx client, through an adapter (closed with this client)
            if transport is not None:
                raise ValueError("pass transport= or http_client=, not both")
            from ._core._transport_httpx import http_client_transport, inherited_timeout

            adapter = http_client_transport(http_client, blocking=False)
            inherited = inherited_timeout(adapter.client) if isinstance(timeout, NotGiven) else None
            timeout = inherited if inherited is not None else timeout
            transport = adapter
        if transport is None:
            transport = HTTPTransport(
                max_connections=max_connections,
                max_keepalive_connections=max_keepalive_connections,
                http2=http2,
                verify=verify,
                proxy=proxy,
                trust_env=trust_env,
            )
            if base_url.startswith("https:"):
                transport.warm_tls()  # the CA bundle loads while the first request is prepared
        self._config = ClientConfig(
            api_key=api_key,
            admin_api_key=admin_api_key,
            organization=organization,
            project=project,
            base=BaseURL(base_url),
            default_headers=headers,
            default_query=default_query or {},
            timeout=DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else to_timeout(timeout),
            retry=policy,
            transport=transport,
            user_agent=_user_agent(),
            platform_headers=platform_headers(__version__, asynchronous=True),
            webhook_secret=webhook_secret,
            websocket_base_url=websocket_base_url,
        )
        self._lifetime = _Lifetime(transport, owns)
        self._opened_host = False  # this object's `async with` opened the lifetime's nursery
        self._closed = False
        self._is_copy = False

    # --- options (the properties: ClientOptions) ------------------------------------------------------

    def with_options(
        self,
        *,
        api_key: ApiKey | None = None,
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
    ) -> AsyncOpenAI:
        """A client with some options changed that shares this one's connection pool.

        ``default_headers`` / ``default_query`` merge into the current ones; ``set_default_headers`` /
        ``set_default_query`` replace them. Closing the copy leaves the shared pool open.
        """
        config = self._config.with_options(
            api_key=api_key,
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
        return self._copy_with(config)

    def _copy_with(self, config: ClientConfig) -> Self:
        """A copy using `config` that shares this client's lifetime (transport, nursery)."""
        new = object.__new__(type(self))
        new._config = config
        new._lifetime = self._lifetime
        new._closed = False
        new._is_copy = True
        new._opened_host = False
        return new

    copy = with_options

    def _realtime_target(self, query: Mapping[str, object]) -> tuple[str, Mapping[str, object]]:
        """Where a Realtime session opens (a base URL; ``/realtime`` is appended) and the query it adds
        to the client's ``default_query``: a hook, which the Azure client overrides."""
        return self.websocket_base_url or self.base_url, query

    def _serve_blocking_surface(self) -> bool:
        """Called once by the blocking ``OpenAI`` that wraps this client, before any request: its
        requests say ``X-Stainless-Async: false``, as the official blocking client's do, and the
        facade, not this client, warns if it is left open. Returns whether this client owned (built)
        its transport."""
        cfg = self._config
        self._config = cfg.replace(platform_headers={**cfg.platform_headers, "X-Stainless-Async": "false"})
        lifetime = self._lifetime
        owned, lifetime.owns_transport = lifetime.owns_transport, False
        return owned

    # --- lifetime -------------------------------------------------------------------------------

    def is_closed(self) -> bool:
        """Whether the client has been closed (a method, as on the official client)."""
        return self._closed or self._lifetime.closed

    async def aclose(self) -> None:
        """Close the transport (the connection pool). Idempotent. A ``with_options`` copy only marks
        itself closed: the pool stays open for the client it was copied from."""
        if self._closed:
            return
        lifetime = self._lifetime
        host = None
        if self._opened_host or not self._is_copy:
            self._opened_host = False
            host, lifetime.host = lifetime.host, None
        try:
            if host is not None:
                await host.aclose()  # cancels the fetch-ahead in flight, before the client is closed
        finally:
            self._closed = True
            if not self._is_copy:
                lifetime.closed = True
                with shielded():
                    await lifetime.transport.aclose()

    close = aclose

    async def __aenter__(self) -> Self:
        await self._open_nursery()
        return self

    async def _open_nursery(self) -> None:
        """Open the client's own nursery, for fetch-ahead of plain page iteration, if it is not open.
        Its tasks never raise (errors travel to the caller as outcomes), and closing the client
        cancels them. It is held by a system task, so the client may be closed from another task."""
        lifetime = self._lifetime
        if lifetime.host is None and not lifetime.closed:
            lifetime.host = await HostedNursery.open()
            self._opened_host = True

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @property
    def _spawner(self) -> _Lifetime:
        """Where page iteration fetches ahead (its ``nursery`` is ``None`` unless open as a block)."""
        return self._lifetime

    def _mark_closed(self) -> None:
        """Closed without I/O: the transport and nursery belonged to a trio run that is over."""
        self._closed = self._lifetime.closed = True
        self._lifetime.host = None

    def __del__(self) -> None:
        try:
            lifetime = self._lifetime
            transport = lifetime.transport
        except AttributeError:
            return
        if (
            lifetime.owns_transport
            and not lifetime.closed
            and isinstance(transport, HTTPTransport)
            and transport.has_connections
            and not self._is_copy
        ):
            warnings.warn(
                f"unclosed {type(self).__name__} with open connections; use `async with` or `await aclose()`",
                ResourceWarning,
                stacklevel=2,
                source=self,
            )

    def statistics(self) -> ClientStatistics:
        """Calls in flight, the connection pool's state (``None`` for a custom transport) and whether
        the client is closed: a snapshot, no I/O. After any cancellation ``in_flight`` and the pool's
        ``active_connections`` go back to 0, which tests can assert."""
        transport = self._lifetime.transport
        pool = transport.statistics() if isinstance(transport, HTTPTransport) else None
        return ClientStatistics(in_flight=self._lifetime.in_flight, pool=pool, closed=self.is_closed())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self.base_url!r}{' closed' if self.is_closed() else ''}>"

    # --- the request entry points used by resources -------------------------------------------------

    def _ensure_open(self) -> None:
        if self._closed or self._lifetime.closed:
            raise RuntimeError(
                "This client has been closed; create a new AsyncOpenAI (or keep requests inside its "
                "`async with` block)."
            )

    def _parser(
        self, call: Call[Any], post_parser: Callable[[Any], Any] | None
    ) -> Callable[[ResponseMeta, bytes], Any]:
        cast_to: Any = call.cast_to
        if _is_page_type(cast_to):

            def parse_page(meta: ResponseMeta, content: bytes) -> Any:
                return self._page(call, meta, content)

            return parse_page
        if post_parser is None:
            return lambda meta, content: parse_content(meta, content, cast_to)
        return lambda meta, content: post_parser(parse_content(meta, content, cast_to))

    def _page(self, call: Call[Any], meta: ResponseMeta, content: bytes) -> Any:
        page = parse_content(meta, content, call.cast_to)

        def fetch(query: dict[str, object]) -> Awaitable[Any]:
            return self._execute(call.with_query(query))  # a parsed call: pages are never raw

        page.__dict__["_fetch"] = fetch
        return page

    async def _execute(
        self,
        call: Call[Any],
        *,
        post_parser: Callable[[Any], Any] | None = None,
        stream_cls: Callable[[AsyncAPIResponse[Any]], Any] | None = None,
    ) -> Any:
        """Send ``call`` and hand its result back in the call's own mode (``call.mode``)."""
        self._ensure_open()
        mode = call.mode
        lifetime = self._lifetime
        lifetime.in_flight += 1
        try:
            if mode is _PARSED and stream_cls is None:  # the hot path: no parser closures
                sent = await send(self._config, call, read_body=True)
                content = sent.content
                assert content is not None
                meta = _Meta(sent)
                if _is_page_type(call.cast_to):
                    return self._page(call, meta, content)
                value = parse_content(meta, content, call.cast_to)
                return value if post_parser is None else post_parser(value)
            if mode is ResponseMode.RAW and stream_cls is None:
                sent = await send(self._config, call, read_body=True)
                assert sent.content is not None
                return APIResponse[Any](
                    sent.raw,
                    sent.content,
                    request_info=sent.request_info,
                    retries_taken=sent.retries_taken,
                    elapsed=sent.elapsed,
                    parser=self._parser(call, post_parser),
                    call=call,
                )
            sent = await send(self._config, call, read_body=False)
        finally:
            lifetime.in_flight -= 1
        response = AsyncAPIResponse[Any](
            sent.raw,
            request_info=sent.request_info,
            retries_taken=sent.retries_taken,
            elapsed=sent.elapsed,
            # A streamed binary body parses to its bytes, as the official SDK's does.
            parser=_body_bytes if call.cast_to is BinaryContent else self._parser(call, post_parser),
            stream_parser=stream_cls,
            call=call,
        )
        if mode is _PARSED and stream_cls is not None:
            return stream_cls(response)
        return response

    async def _request(
        self,
        method: str,
        path: str,
        *,
        cast_to: Any,
        body: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        multipart: bool = False,
        content: bytes | AsyncIterable[bytes] | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str | Omit] | None = None,
        options: RequestOptions | None = None,
        post_parser: Callable[[Any], Any] | None = None,
        stream_cls: Callable[[AsyncAPIResponse[Any]], Any] | None = None,
        mode: ResponseMode = ResponseMode.PARSED,
        admin: bool = False,
    ) -> Any:
        """Send one API call and return its result in ``mode`` (parsed, raw or streamed; the
        ``with_raw_response`` / ``with_streaming_response`` wrappers pass it). ``stream_cls`` builds
        the result from the unread response for SSE calls."""
        call: Call[Any] = Call(
            method,
            path,
            cast_to=cast_to,
            body=body,
            query=query,
            multipart=multipart,
            content=content,
            content_type=content_type,
            headers=headers,
            options=options,
            mode=mode,
            admin=admin,
        )
        return await self._execute(call, post_parser=post_parser, stream_cls=stream_cls)

    def _get_api_list(
        self,
        path: str,
        *,
        page: type[PageT],
        query: Mapping[str, object] | None = None,
        body: Mapping[str, object] | None = None,
        method: str = "get",
        headers: Mapping[str, str | Omit] | None = None,
        options: RequestOptions | None = None,
        mode: ResponseMode = ResponseMode.PARSED,
        admin: bool = False,
    ) -> AsyncPaginator[Any, PageT]:
        """A paginator of the listing; ``mode`` applies to awaiting it for the first page only (an
        iteration's pages are always parsed)."""
        call: Call[Any] = Call(
            method,
            path,
            cast_to=page,
            query=query,
            body=body,
            headers=headers,
            options=options,
            mode=mode,
            admin=admin,
        )
        return AsyncPaginator(call, self._execute, self._lifetime)

    # --- low-level verbs, for endpoints newer than this library ----------------------------------------

    async def get(
        self,
        path: str,
        *,
        cast_to: type[T],
        options: RequestOptions | None = None,
        query: Mapping[str, object] | None = None,
    ) -> T:
        return await self._request("get", path, cast_to=cast_to, query=query, options=options)

    async def post(
        self,
        path: str,
        *,
        cast_to: type[T],
        body: Mapping[str, object] | None = None,
        options: RequestOptions | None = None,
    ) -> T:
        return await self._request("post", path, cast_to=cast_to, body=body, options=options)

    async def patch(
        self,
        path: str,
        *,
        cast_to: type[T],
        body: Mapping[str, object] | None = None,
        options: RequestOptions | None = None,
    ) -> T:
        return await self._request("patch", path, cast_to=cast_to, body=body, options=options)

    async def put(
        self,
        path: str,
        *,
        cast_to: type[T],
        body: Mapping[str, object] | None = None,
        options: RequestOptions | None = None,
    ) -> T:
        return await self._request("put", path, cast_to=cast_to, body=body, options=options)

    async def delete(self, path: str, *, cast_to: type[T], options: RequestOptions | None = None) -> T:
        return await self._request("delete", path, cast_to=cast_to, options=options)


_PARSED = ResponseMode.PARSED
_page_types: dict[Any, bool] = {}


def _is_page_type(tp: object) -> bool:
    try:
        return _page_types[tp]
    except KeyError:
        pass
    except TypeError:  # an unhashable type expression
        return False
    origin: object = getattr(tp, "__origin__", tp)
    found = _page_types[tp] = isinstance(origin, type) and issubclass(origin, BasePage)
    return found


class _Meta(ResponseMeta):
    """Response facts for the parsed path (no body kept beyond the parse)."""

    __slots__ = ()

    def __init__(self, sent: Sent) -> None:
        super().__init__(
            sent.raw, request_info=sent.request_info, retries_taken=sent.retries_taken, elapsed=sent.elapsed
        )


if TYPE_CHECKING:  # pyright checks that AsyncOpenAI satisfies the Protocol resources are typed with
    _satisfies: type[ResourceClient] = AsyncOpenAI


def _body_bytes(meta: ResponseMeta, content: bytes) -> bytes:
    return content
