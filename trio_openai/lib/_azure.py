"""Azure OpenAI: :class:`AsyncAzureOpenAI` and the blocking :class:`AzureOpenAI` (published as
``trio_openai.lib.azure``, the official module path, and lazily as ``trio_openai.AzureOpenAI``).

The same clients as :class:`~trio_openai.AsyncOpenAI` / :class:`~trio_openai.OpenAI` (resources,
helpers, pages, streams, ``with_options``, Realtime), configured the Azure way: an endpoint and an API
version, an ``api-key`` header or a Microsoft Entra ID token, and deployment-based paths. They hook
into the request pipeline of the ordinary client (its ``AuthHook`` and ``RouteHook``), so a request
goes through the one implementation.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Awaitable, Callable, Mapping
from typing import cast, overload

import trio

from .._client import AsyncOpenAI
from .._core._errors import OpenAIError
from .._core._options import DEFAULT_MAX_RETRIES, NOT_GIVEN, NotGiven, Omit, Timeout
from .._core._request import AuthHook, BaseURL, RouteHook
from .._core._retry import RetryPolicy
from .._core._transport import AsyncTransport
from .._sync import OpenAI
from ._azure_auth import DeploymentRoute, KeyAuth, MutuallyExclusiveAuthError, TokenAuth, is_v1_url

__all__ = [
    "AsyncAzureADTokenProvider",
    "AsyncAzureOpenAI",
    "AzureADTokenProvider",
    "AzureOpenAI",
    "MutuallyExclusiveAuthError",
]

#: A blocking Entra ID token provider (for :class:`AzureOpenAI`; it runs in a worker thread).
AzureADTokenProvider = Callable[[], str]
#: A token provider for :class:`AsyncAzureOpenAI`: a plain function or an async one.
AsyncAzureADTokenProvider = Callable[[], "str | Awaitable[str]"]

_AsyncKey = str | Callable[[], str | Awaitable[str]]


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


def _no_bearer_key() -> str:  # pragma: no cover - the Azure auth hook always answers instead
    raise OpenAIError("an Azure client authenticates with its api-key or token, not a bearer api_key")


class _Setup:
    """What the Azure arguments come to: the ordinary client's options plus the two hooks."""

    __slots__ = (
        "api_version",
        "auth",
        "base_url",
        "default_query",
        "deployment",
        "endpoint",
        "route",
        "shown",
    )

    def __init__(
        self,
        *,
        azure_endpoint: str | None,
        azure_deployment: str | None,
        api_version: str | None,
        base_url: str | None,
        default_query: Mapping[str, object] | None,
        auth: AuthHook,
    ) -> None:
        if base_url is not None and azure_endpoint is not None:
            raise ValueError("base_url and azure_endpoint are mutually exclusive: pass one of them")
        if base_url is None and azure_endpoint is None:
            azure_endpoint = _env("AZURE_OPENAI_ENDPOINT")
            if azure_endpoint is None:
                raise ValueError(
                    "Missing the Azure endpoint: pass azure_endpoint=... (or base_url=...) or set the "
                    "AZURE_OPENAI_ENDPOINT environment variable"
                )
        if api_version is None:
            api_version = _env("OPENAI_API_VERSION")
        v1 = is_v1_url(base_url if base_url is not None else azure_endpoint or "")
        if api_version is None and not v1:
            raise ValueError(
                "Missing the API version: pass api_version=... or set the OPENAI_API_VERSION environment "
                "variable (the newer https://<resource>.openai.azure.com/openai/v1 endpoints need none)"
            )
        query = dict(default_query or {})
        if api_version is not None:
            query["api-version"] = api_version
        route: RouteHook | None = None
        if base_url is not None:
            base, shown = base_url, base_url
            if not v1 and "/deployments" not in BaseURL(base_url).prefix:
                route = DeploymentRoute(None)
        else:
            assert azure_endpoint is not None
            endpoint = azure_endpoint.rstrip("/")
            if v1:
                base = shown = endpoint
            else:
                base = endpoint + "/openai"
                route = DeploymentRoute(azure_deployment)
                shown = base if azure_deployment is None else f"{base}/deployments/{azure_deployment}"
        self.base_url = base
        self.shown = BaseURL(shown).url
        self.route = route
        self.auth = auth
        self.default_query = query
        self.api_version = api_version
        self.endpoint = azure_endpoint if base_url is None else None
        self.deployment = azure_deployment if base_url is None and not v1 else None


def _choose_auth(
    api_key: _AsyncKey | None,
    azure_ad_token: str | None,
    azure_ad_token_provider: Callable[[], str | Awaitable[str]] | None,
    *,
    from_env: bool,
) -> KeyAuth | TokenAuth | None:
    """At most one credential; with none given (and ``from_env``), ``AZURE_OPENAI_AD_TOKEN`` first,
    then ``AZURE_OPENAI_API_KEY``, as the official client resolves them."""
    given = sum(x is not None for x in (api_key, azure_ad_token, azure_ad_token_provider))
    if given > 1:
        raise MutuallyExclusiveAuthError()
    if given == 0 and from_env:
        azure_ad_token = _env("AZURE_OPENAI_AD_TOKEN")
        if azure_ad_token is None:
            api_key = _env("AZURE_OPENAI_API_KEY")
    if azure_ad_token_provider is not None:
        if not callable(azure_ad_token_provider):
            raise TypeError("azure_ad_token_provider must be a callable returning a token")
        return TokenAuth(provider=azure_ad_token_provider)
    if azure_ad_token is not None:
        if not isinstance(azure_ad_token, str) or not azure_ad_token:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError("azure_ad_token must be a non-empty str")
        return TokenAuth(token=azure_ad_token)
    if api_key is not None and api_key != "":
        if not isinstance(api_key, str) and not callable(api_key):
            raise TypeError("api_key must be a str or a callable returning one")
        return KeyAuth(api_key)
    return None


_MISSING_CREDENTIALS = (
    "Missing credentials: pass one of api_key, azure_ad_token or azure_ad_token_provider, or set the "
    "AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN environment variable."
)


class AsyncAzureOpenAI(AsyncOpenAI):
    """The Azure OpenAI client for trio: :class:`~trio_openai.AsyncOpenAI` configured for Azure.

    Give ``azure_endpoint`` (``https://<resource>.openai.azure.com``, or ``AZURE_OPENAI_ENDPOINT``)
    and ``api_version`` (or ``OPENAI_API_VERSION``), or a whole ``base_url`` instead of the endpoint.
    Authenticate with one of ``api_key`` (``AZURE_OPENAI_API_KEY``; sent as the ``api-key`` header),
    ``azure_ad_token`` (``AZURE_OPENAI_AD_TOKEN``) or ``azure_ad_token_provider`` (a function, plain or
    async, asked for a token on every attempt, retries included; sent as a bearer token).

    Completions, chat completions, embeddings, audio and image generations/edits go to
    ``/openai/deployments/{deployment}/...``: ``azure_deployment`` if given, else the request's
    ``model``. An endpoint (or ``base_url``) ending in ``/openai/v1`` is the newer Azure API: paths
    go under it unchanged and ``api_version`` is optional. Every other option is
    :class:`~trio_openai.AsyncOpenAI`'s.
    """

    @overload
    def __init__(
        self,
        *,
        azure_endpoint: str,
        azure_deployment: str | None = None,
        api_version: str | None = None,
        api_key: str | Callable[[], str | Awaitable[str]] | None = None,
        admin_api_key: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AsyncAzureADTokenProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
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
    ) -> None: ...

    @overload
    def __init__(
        self,
        *,
        azure_deployment: str | None = None,
        api_version: str | None = None,
        api_key: str | Callable[[], str | Awaitable[str]] | None = None,
        admin_api_key: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AsyncAzureADTokenProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
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
    ) -> None: ...

    @overload
    def __init__(
        self,
        *,
        base_url: str,
        api_version: str | None = None,
        api_key: str | Callable[[], str | Awaitable[str]] | None = None,
        admin_api_key: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AsyncAzureADTokenProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
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
    ) -> None: ...

    def __init__(
        self,
        *,
        azure_endpoint: str | None = None,
        azure_deployment: str | None = None,
        api_version: str | None = None,
        api_key: str | Callable[[], str | Awaitable[str]] | None = None,
        admin_api_key: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AsyncAzureADTokenProvider | None = None,
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
        auth = _choose_auth(api_key, azure_ad_token, azure_ad_token_provider, from_env=True)
        if auth is None:
            raise OpenAIError(_MISSING_CREDENTIALS)
        setup = _Setup(
            azure_endpoint=azure_endpoint,
            azure_deployment=azure_deployment,
            api_version=api_version,
            base_url=base_url,
            default_query=default_query,
            auth=auth,
        )
        super().__init__(
            api_key=auth.key if isinstance(auth, KeyAuth) else _no_bearer_key,
            admin_api_key=admin_api_key,
            organization=organization,
            project=project,
            webhook_secret=webhook_secret,
            base_url=setup.base_url,
            websocket_base_url=websocket_base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            default_headers=default_headers,
            default_query=setup.default_query,
            transport=transport,
            http2=http2,
            proxy=proxy,
            verify=verify,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
            http_client=http_client,
            trust_env=trust_env,
        )
        self._install(setup)

    def _install(self, setup: _Setup) -> None:
        self._azure = setup
        self._config = self._config.replace(auth=setup.auth, route=setup.route)

    # --- Azure settings ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """As the official client shows it: ``.../openai/deployments/{azure_deployment}/`` when a
        deployment is configured (other endpoints still go to ``.../openai/...``)."""
        return self._azure.shown

    @property
    def api_version(self) -> str | None:
        return self._azure.api_version

    @property
    def azure_deployment(self) -> str | None:
        return self._azure.deployment

    @property
    def azure_endpoint(self) -> str | None:
        return self._azure.endpoint

    # The official client's private names, read by some existing code.
    @property
    def _api_version(self) -> str | None:
        return self._azure.api_version

    @property
    def _azure_deployment(self) -> str | None:
        return self._azure.deployment

    @property
    def _azure_endpoint(self) -> str | None:
        return self._azure.endpoint

    def with_options(
        self,
        *,
        api_key: str | Callable[[], str | Awaitable[str]] | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AsyncAzureADTokenProvider | None = None,
        api_version: str | None = None,
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
        admin_api_key: str | None = None,
    ) -> AsyncAzureOpenAI:
        """A client with some options changed that shares this one's connection pool, keeping the
        Azure settings (endpoint, deployment, API version, credential) not given again. A new
        credential replaces the old one (still at most one); a new ``base_url`` replaces the endpoint."""
        current = self._azure
        auth = _choose_auth(api_key, azure_ad_token, azure_ad_token_provider, from_env=False) or current.auth
        copy = super().with_options(
            api_key=auth.key if isinstance(auth, KeyAuth) else _no_bearer_key,
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
            admin_api_key=admin_api_key,
        )
        assert isinstance(copy, AsyncAzureOpenAI)
        query = dict(copy._config.default_query)
        query.pop("api-version", None)
        setup = _Setup(
            azure_endpoint=current.endpoint if base_url is None else None,
            azure_deployment=current.deployment if base_url is None else None,
            api_version=api_version or current.api_version,
            base_url=base_url if base_url is not None else (None if current.endpoint else current.base_url),
            default_query=query,
            auth=auth,
        )
        copy._config = copy._config.replace(
            base=BaseURL(setup.base_url),
            default_query=setup.default_query,
        )
        copy._install(setup)
        return copy

    copy = with_options

    # --- Realtime ------------------------------------------------------------------------------------

    def _realtime_target(self, query: Mapping[str, object]) -> tuple[str, Mapping[str, object]]:
        """``wss://<resource>.openai.azure.com/openai/realtime?api-version=...&deployment=...``, as the
        official client opens it; the ``/openai/v1`` style keeps ``model=``."""
        setup = self._azure
        base = self.websocket_base_url or setup.base_url
        if setup.route is None and "/deployments" not in BaseURL(setup.base_url).prefix:
            return base, query  # the /openai/v1 style: as OpenAI's own API
        wanted = dict(query)
        model = wanted.pop("model", None)
        deployment = setup.deployment or model
        if deployment is None and "call_id" not in wanted:
            raise OpenAIError("`model` (the deployment name) is required for the Azure Realtime API")
        if deployment is not None:
            wanted["deployment"] = deployment
        return base, wanted


def _blocking_provider(provider: AzureADTokenProvider | None) -> Callable[[], Awaitable[str]] | None:
    """A blocking token provider asked in a worker thread, never in the portal's trio run."""
    if provider is None:
        return None
    if not callable(provider):
        raise TypeError("azure_ad_token_provider must be a callable returning a token")

    async def ask() -> str:
        return await trio.to_thread.run_sync(provider)

    return ask


def _blocking_key(api_key: str | Callable[[], str] | None) -> _AsyncKey | None:
    if api_key is None or isinstance(api_key, str) or not callable(api_key):
        return api_key
    provider = api_key

    async def ask() -> str:
        return await trio.to_thread.run_sync(provider)

    return ask


class AzureOpenAI(OpenAI):
    """The Azure OpenAI client for blocking code: :class:`AsyncAzureOpenAI`'s options, with
    :class:`~trio_openai.OpenAI`'s blocking calls. ``api_key`` and ``azure_ad_token_provider`` may be
    plain functions: they run in a worker thread, on every attempt."""

    @overload
    def __init__(
        self,
        *,
        azure_endpoint: str,
        azure_deployment: str | None = None,
        api_version: str | None = None,
        api_key: str | Callable[[], str] | None = None,
        admin_api_key: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AzureADTokenProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
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
    ) -> None: ...

    @overload
    def __init__(
        self,
        *,
        azure_deployment: str | None = None,
        api_version: str | None = None,
        api_key: str | Callable[[], str] | None = None,
        admin_api_key: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AzureADTokenProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
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
    ) -> None: ...

    @overload
    def __init__(
        self,
        *,
        base_url: str,
        api_version: str | None = None,
        api_key: str | Callable[[], str] | None = None,
        admin_api_key: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AzureADTokenProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
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
    ) -> None: ...

    def __init__(
        self,
        *,
        azure_endpoint: str | None = None,
        azure_deployment: str | None = None,
        api_version: str | None = None,
        api_key: str | Callable[[], str] | None = None,
        admin_api_key: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AzureADTokenProvider | None = None,
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
            from .._core._transport_httpx import http_client_transport

            http_client = http_client_transport(http_client, blocking=True)
        build = cast("Callable[..., AsyncAzureOpenAI]", AsyncAzureOpenAI)  # one call, three overloads
        inner = build(
            azure_endpoint=azure_endpoint,
            azure_deployment=azure_deployment,
            api_version=api_version,
            api_key=_blocking_key(api_key),
            admin_api_key=admin_api_key,
            azure_ad_token=azure_ad_token,
            azure_ad_token_provider=_blocking_provider(azure_ad_token_provider),
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

    @property
    def _azure_async(self) -> AsyncAzureOpenAI:
        inner = self._async
        assert isinstance(inner, AsyncAzureOpenAI)
        return inner

    @property
    def api_version(self) -> str | None:
        return self._azure_async.api_version

    @property
    def azure_deployment(self) -> str | None:
        return self._azure_async.azure_deployment

    @property
    def azure_endpoint(self) -> str | None:
        return self._azure_async.azure_endpoint

    @property
    def _api_version(self) -> str | None:
        return self._azure_async.api_version

    @property
    def _azure_deployment(self) -> str | None:
        return self._azure_async.azure_deployment

    @property
    def _azure_endpoint(self) -> str | None:
        return self._azure_async.azure_endpoint

    def with_options(
        self,
        *,
        api_key: str | Callable[[], str] | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AzureADTokenProvider | None = None,
        api_version: str | None = None,
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
        admin_api_key: str | None = None,
    ) -> AzureOpenAI:
        """As :meth:`AsyncAzureOpenAI.with_options`, sharing this client's connection pool."""
        inner = self._azure_async.with_options(
            api_key=_blocking_key(api_key),
            azure_ad_token=azure_ad_token,
            azure_ad_token_provider=_blocking_provider(azure_ad_token_provider),
            api_version=api_version,
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
            admin_api_key=admin_api_key,
        )
        return self._copy_over(inner)

    copy = with_options
