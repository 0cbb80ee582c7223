"""Building a request: the client's configuration, one call, and what goes on the wire for it.

`ClientConfig` is what a client knows that every request needs (`BaseURL` parsed once, the static
headers, the retry policy, the transport); a `Call` is one API call as a resource method describes it.
`prepare` turns the two into a `Prepared` request: the URL with its query, the headers and a body built
once and replayed on every attempt; `Prepared.request` makes one attempt's httpcore2 request (with the
bearer token and the retry count). Below that: path parameters, query strings, JSON and multipart
bodies. Nothing here does network I/O (``prepare`` only reads files named in a multipart upload).
"""

from __future__ import annotations

import datetime
import enum
import inspect
import io
import mimetypes
import os
import re
import uuid
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Iterator, Mapping
from typing import IO, Any, Generic, Protocol, TypeAlias, TypeVar, cast
from urllib.parse import parse_qsl, quote, urlsplit

import httpcore2
import msgspec
import trio

from ._errors import RequestInfo
from ._headers import check_header, check_header_value, redact_headers
from ._options import NOT_GIVEN as _NOT_GIVEN
from ._options import NotGiven, Omit, RequestOptions, Timeout, to_timeout, validate_max_retries
from ._options import omit as _OMIT
from ._retry import RetryPolicy
from ._transport import AsyncTransport

__all__ = [
    "ApiKey",
    "AuthHook",
    "BaseURL",
    "Call",
    "ClientConfig",
    "FileContent",
    "FileTypes",
    "Prepared",
    "ResponseMode",
    "apply_headers",
    "build_multipart",
    "encode_json",
    "encode_query",
    "is_file",
    "path_param",
    "prepare",
    "RouteHook",
    "resolve_api_key",
    "strip_not_given",
]

T = TypeVar("T")

ApiKey: TypeAlias = str | Callable[[], str | Awaitable[str]]

FileContent: TypeAlias = bytes | bytearray | IO[bytes] | os.PathLike[str]
FileTypes: TypeAlias = (
    FileContent
    | tuple[str | None, FileContent]
    | tuple[str | None, FileContent, str | None]
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)


class AuthHook(Protocol):
    """How a client authenticates instead of the bearer ``api_key`` (the Azure client: an ``api-key``
    header, or a bearer token from a provider). Asked on every attempt, retries included."""

    @property
    def header(self) -> str:
        """The lower-case header name; a request whose headers already carry it is sent as it is."""
        ...

    async def __call__(self) -> tuple[str, str]:
        """The header (name, value) to send on this attempt."""
        ...


#: Maps a call's relative path (and its body) to the path sent under the base URL (the Azure client's
#: ``/deployments/{model}/...`` routing).
RouteHook: TypeAlias = Callable[[str, "Mapping[str, object] | None"], str]


class BaseURL:
    """``base_url`` parsed once: the origin for httpcore2 plus the path prefix every path goes under."""

    __slots__ = ("host", "host_header", "port", "prefix", "scheme", "url")

    def __init__(self, url: str) -> None:
        if not url.endswith("/"):
            url += "/"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an absolute http(s) URL, got {url!r}")
        self.url = url
        self.scheme = parts.scheme.encode()
        self.host = parts.hostname.encode("idna")
        self.port = parts.port
        default_port = 443 if parts.scheme == "https" else 80
        host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        netloc = host if self.port in (None, default_port) else f"{host}:{self.port}"
        self.host_header = netloc.encode("idna")
        self.prefix = parts.path.rstrip("/")
        if parts.query:
            raise ValueError("base_url cannot carry a query string; use default_query")

    def __repr__(self) -> str:
        return f"BaseURL({self.url!r})"


class ClientConfig:
    """A client's options, shared by `AsyncOpenAI` and the `OpenAI` over it: everything a request needs
    (the headers merged once) and the rest (``webhook_secret``, ``websocket_base_url``). Immutable once
    built; `with_options` and `replace` give changed copies."""

    __slots__ = (
        "admin_api_key",
        "admin_wire",
        "api_key",
        "auth",
        "auth_wire",
        "base",
        "base_headers",
        "base_wire",
        "default_headers",
        "default_query",
        "organization",
        "origin_text",
        "platform_headers",
        "project",
        "retry",
        "route",
        "static_headers",
        "targets",
        "timeout",
        "timeout_extension",
        "transport",
        "user_agent",
        "webhook_secret",
        "websocket_base_url",
        "wire_extends",
    )

    def __init__(
        self,
        *,
        api_key: ApiKey,
        organization: str | None,
        project: str | None,
        base: BaseURL,
        default_headers: Mapping[str, str | Omit],
        default_query: Mapping[str, object],
        timeout: Timeout,
        retry: RetryPolicy,
        transport: AsyncTransport,
        user_agent: str,
        platform_headers: Mapping[str, str] | None = None,
        auth: AuthHook | None = None,
        route: RouteHook | None = None,
        webhook_secret: str | None = None,
        websocket_base_url: str | None = None,
        admin_api_key: str | None = None,
    ) -> None:
        if isinstance(api_key, str):
            check_header_value(api_key, "the api_key")
        if admin_api_key is not None:
            check_header_value(admin_api_key, "the admin_api_key")
        self.api_key = api_key
        #: The key of the admin endpoints (``client.admin.organization ...``), ``OPENAI_ADMIN_KEY``.
        self.admin_api_key = admin_api_key
        self.admin_wire: tuple[bytes, bytes] | None = (
            None if not admin_api_key else (b"Authorization", f"Bearer {admin_api_key}".encode("latin-1"))
        )
        self.organization = organization
        self.project = project
        self.base = base
        self.default_headers: dict[str, str | Omit] = dict(default_headers)  # as given, omit included
        self.default_query = dict(default_query)
        self.webhook_secret = webhook_secret
        self.websocket_base_url = websocket_base_url
        self.timeout = timeout
        self.retry = retry
        self.transport = transport
        self.user_agent = user_agent
        self.platform_headers = dict(platform_headers or {})
        self.auth = auth  # None: the bearer api_key
        self.route = route  # None: paths go under the base URL as they are
        static: dict[str, tuple[str, str]] = {
            "accept": ("Accept", "application/json"),
            "user-agent": ("User-Agent", user_agent),
        }
        check_header_value(user_agent, "the User-Agent header")
        apply_headers(static, self.platform_headers)
        if organization:
            check_header_value(organization, "the organization (OpenAI-Organization header)")
            static["openai-organization"] = ("OpenAI-Organization", organization)
        if project:
            check_header_value(project, "the project (OpenAI-Project header)")
            static["openai-project"] = ("OpenAI-Project", project)
        apply_headers(static, default_headers)  # checks each header: once per configuration
        self.static_headers = static
        # What every request of this configuration starts from, built once rather than per call: the
        # headers with Host, the same encoded for the wire, the origin as text, the timeout's extension
        # and, for a plain key, the encoded Authorization header.
        base_headers = dict(static)
        base_headers["host"] = ("Host", base.host_header.decode())
        self.base_headers = base_headers
        self.base_wire = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in base_headers.values()]
        # Per-call headers can be appended to base_wire only when none of them is already there.
        self.wire_extends = not (base_headers.keys() & _PER_CALL_HEADERS)
        port = "" if base.port is None else f":{base.port}"
        self.origin_text = f"{base.scheme.decode()}://{base.host.decode()}{port}"
        self.timeout_extension = timeout.as_extension()
        #: URL and URL text by path, for calls whose URL is their path alone (no query of any kind).
        self.targets: dict[str, tuple[httpcore2.URL, str]] = {}
        self.auth_wire: tuple[bytes, bytes] | None = (
            (b"Authorization", f"Bearer {api_key}".encode("latin-1")) if isinstance(api_key, str) else None
        )

    def __repr__(self) -> str:
        return f"<ClientConfig {self.base.url}>"  # never a key

    def replace(self, **changes: Any) -> ClientConfig:
        """A copy with ``changes`` (any constructor argument)."""
        fields: dict[str, Any] = {name: getattr(self, name) for name in _REPLACEABLE}
        fields.update(changes)
        return ClientConfig(**fields)

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
        timeout: float | Timeout | NotGiven | None = _NOT_GIVEN,
        max_retries: int | NotGiven = _NOT_GIVEN,
        retry_policy: RetryPolicy | None = None,
        default_headers: Mapping[str, str | Omit] | None = None,
        set_default_headers: Mapping[str, str | Omit] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
    ) -> ClientConfig:
        """The configuration of ``client.with_options(...)`` (both clients'): ``None`` / not given keeps
        an option; ``default_headers`` / ``default_query`` merge into the current ones,
        ``set_default_headers`` / ``set_default_query`` replace them."""
        if default_headers is not None and set_default_headers is not None:
            raise ValueError("pass default_headers or set_default_headers, not both")
        if default_query is not None and set_default_query is not None:
            raise ValueError("pass default_query or set_default_query, not both")
        headers = dict(set_default_headers) if set_default_headers is not None else dict(self.default_headers)
        if default_headers:
            headers.update(default_headers)
        query = dict(set_default_query) if set_default_query is not None else dict(self.default_query)
        if default_query:
            query.update(default_query)
        policy = retry_policy or self.retry
        if not isinstance(max_retries, NotGiven):
            policy = policy.replace(max_retries=validate_max_retries(max_retries))
        return self.replace(
            default_headers=headers,
            api_key=api_key if api_key is not None else self.api_key,
            admin_api_key=admin_api_key if admin_api_key is not None else self.admin_api_key,
            organization=organization if organization is not None else self.organization,
            project=project if project is not None else self.project,
            webhook_secret=webhook_secret if webhook_secret is not None else self.webhook_secret,
            base=BaseURL(base_url) if base_url is not None else self.base,
            websocket_base_url=websocket_base_url or self.websocket_base_url,
            default_query=query,
            timeout=self.timeout if isinstance(timeout, NotGiven) else to_timeout(timeout),
            retry=policy,
        )


_PER_CALL_HEADERS = frozenset({"content-type", "content-length", "transfer-encoding", "idempotency-key"})

_REPLACEABLE = (
    "api_key",
    "admin_api_key",
    "default_headers",
    "webhook_secret",
    "websocket_base_url",
    "organization",
    "project",
    "base",
    "default_query",
    "timeout",
    "retry",
    "transport",
    "user_agent",
    "platform_headers",
    "auth",
    "route",
)


def apply_headers(into: dict[str, tuple[str, str]], extra: Mapping[str, str | Omit] | None) -> None:
    """Add ``extra`` to ``into`` (keyed by lower-case name), each checked by `check_header`; an ``omit``
    value removes the header."""
    if not extra:
        return
    for name, value in extra.items():
        if isinstance(value, Omit):
            if not isinstance(name, str):  # pyright: ignore[reportUnnecessaryIsInstance]
                raise TypeError(f"header names must be str, not {type(name).__name__}")
            into.pop(name.lower(), None)
        else:
            check_header(name, value)
            into[name.lower()] = (name, value)


async def resolve_api_key(config: ClientConfig) -> str:
    """The key to send now: the configured string, or what the key provider returns."""
    key = config.api_key
    if isinstance(key, str):
        return key
    value = key()
    if inspect.isawaitable(value):
        value = await value
    if not value:
        raise TypeError("the api_key provider must return a non-empty str")
    check_header_value(value, "the key the api_key provider returned")
    return value


class ResponseMode(enum.Enum):
    """How a call hands back its result; carried by the `Call` itself, so nothing a call starts later
    (the next page, a fetch-ahead task) inherits it."""

    PARSED = "parsed"
    RAW = "raw"  # body read, an APIResponse returned
    STREAMED = "streamed"  # body left on the wire, an AsyncAPIResponse returned


_PARSED = ResponseMode.PARSED
_NO_OPTIONS: RequestOptions = {}


class Call(Generic[T]):
    """One API call as the resource method described it, with the caller's per-call options and the
    mode its result is handed back in (parsed, raw or streamed)."""

    __slots__ = (
        "admin",
        "body",
        "cast_to",
        "content",
        "content_type",
        "headers",
        "method",
        "mode",
        "multipart",
        "options",
        "path",
        "query",
    )

    def __init__(
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
        mode: ResponseMode = _PARSED,
        admin: bool = False,
    ) -> None:
        self.method: str = method.upper()
        self.path: str = path
        self.cast_to: Any = cast_to
        self.body: Mapping[str, object] | None = body
        self.query: Mapping[str, object] | None = query
        self.multipart: bool = multipart
        self.content: bytes | AsyncIterable[bytes] | None = content
        self.content_type: str | None = content_type
        self.headers: Mapping[str, str | Omit] | None = headers
        self.options: RequestOptions = options if options is not None else _NO_OPTIONS
        self.mode: ResponseMode = mode
        self.admin: bool = admin  # an admin endpoint: sent with the admin key (``admin_api_key``)

    def _copy(self, query: Mapping[str, object] | None, mode: ResponseMode) -> Call[T]:
        new: Call[T] = Call(self.method, self.path, cast_to=self.cast_to, query=query, options=self.options)
        new.body, new.multipart, new.content = self.body, self.multipart, self.content
        new.content_type, new.headers, new.mode = self.content_type, self.headers, mode
        new.admin = self.admin
        return new

    def with_query(self, query: Mapping[str, object]) -> Call[T]:
        """The same call with query parameters replaced or added (the next page of a listing), parsed:
        a page fetched after the first is never handed back raw or streamed."""
        merged = dict(self.query or {})
        merged.update(query)
        return self._copy(merged, _PARSED)

    def in_mode(self, mode: ResponseMode) -> Call[T]:
        """The same call handed back in ``mode`` (itself when it already is)."""
        return self if mode is self.mode else self._copy(self.query, mode)


def build_target(config: ClientConfig, call: Call[Any]) -> tuple[httpcore2.URL, str]:
    """The URL of ``call`` (base URL, path, default, call and extra query), for httpcore2 and as text."""
    path = call.path
    options = call.options
    plain = (
        not call.query
        and not config.default_query
        and config.route is None  # a routed path depends on the body (Azure: the model's deployment)
        and not (options and options.get("extra_query"))
    )
    if plain:
        hit = config.targets.get(path)
        if hit is not None:
            return hit
    found = _build_target(config, call)
    if plain and len(config.targets) < _TARGETS_KEPT:
        config.targets[path] = found
    return found


_TARGETS_KEPT = 256  # paths carry ids (files, responses ...): keep a bounded number


def _build_target(config: ClientConfig, call: Call[Any]) -> tuple[httpcore2.URL, str]:
    path = call.path
    query: dict[str, object] | None = None
    if "?" in path:
        path, _, hard = path.partition("?")
        query = dict(parse_qsl(hard, keep_blank_values=True))
    if path.startswith(("http://", "https://")):
        base = BaseURL(path)
        target = base.prefix
        port = "" if base.port is None else f":{base.port}"
        origin = f"{base.scheme.decode()}://{base.host.decode()}{port}"
    else:
        base = config.base
        if config.route is not None:
            path = config.route(path, call.body)
        target = base.prefix + (path if path[:1] == "/" else "/" + path)
        origin = config.origin_text
    if config.default_query or call.query or query or (call.options and call.options.get("extra_query")):
        merged = dict(config.default_query)
        if query:
            merged.update(query)
        if call.query:
            merged.update(call.query)
        extra = call.options.get("extra_query")
        if extra:
            merged.update(extra)
        qs = encode_query(merged)
        if qs:
            target = f"{target}?{qs}"
    url = httpcore2.URL(scheme=base.scheme, host=base.host, port=base.port, target=target.encode("ascii"))
    return url, origin + target


class Prepared:
    """One call ready to send: URL, headers and a body built once, replayed on every attempt."""

    __slots__ = (
        "admin",
        "body",
        "config",
        "extensions",
        "headers",
        "info",
        "max_retries",
        "method",
        "method_bytes",
        "send_auth",
        "timeout",
        "url",
        "url_text",
        "user_retry_header",
        "wire",
    )

    def __init__(
        self,
        config: ClientConfig,
        method: str,
        url: httpcore2.URL,
        url_text: str,
        headers: dict[str, tuple[str, str]],
        body: bytes | AsyncIterable[bytes] | None,
        timeout: Timeout,
        max_retries: int,
        wire: list[tuple[bytes, bytes]] | None = None,
        admin: bool = False,
        no_auth: bool = False,
    ) -> None:
        self.config = config
        self.admin = admin  # authenticated with the admin key
        self.method = method
        self.method_bytes = method.encode()
        self.url = url
        self.url_text = url_text
        self.info = RequestInfo(method, url_text)
        # For a response's http_request: the credentials the caller put in headers (an Authorization
        # or api-key in default_headers / extra_headers) redacted; the real values go on the wire only.
        self.info.headers = redact_headers(headers)
        self.headers = headers
        self.body = body
        self.timeout = timeout
        ext = config.timeout_extension if timeout is config.timeout else timeout.as_extension()
        self.extensions = {"timeout": ext}
        self.max_retries = max_retries
        auth = config.auth
        # No credential is added when the caller sent their own or omitted it explicitly.
        self.send_auth = not no_auth and ("authorization" if auth is None else auth.header) not in headers
        self.user_retry_header = "x-stainless-retry-count" in headers
        # Encoded once, not on every attempt: only the bearer token and the retry count change.
        if wire is None:
            wire = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.values()]
        self.wire = wire

    async def request(self, retries_taken: int) -> httpcore2.Request:
        """The httpcore2 request of attempt ``retries_taken + 1``: the bearer token (asked of a key
        provider on every attempt) and the retry count join the prepared headers."""
        wire = self.wire.copy()  # a list of its own per attempt: a transport may keep or change it
        if self.send_auth:
            hook = self.config.auth
            if hook is not None:
                name, value = await hook()
                wire.append((name.encode("latin-1"), value.encode("latin-1")))
            elif self.admin and self.config.admin_wire is not None:
                wire.append(self.config.admin_wire)
            else:
                auth = self.config.auth_wire
                if auth is None:
                    token = await resolve_api_key(self.config)
                    auth = (b"Authorization", f"Bearer {token}".encode("latin-1"))
                wire.append(auth)
        if not self.user_retry_header:
            # The official SDK's name, kept so servers and proxies that read it see the same header.
            count = _RETRY_COUNTS[retries_taken] if retries_taken < 8 else str(retries_taken).encode()
            wire.append((b"x-stainless-retry-count", count))
        request = httpcore2.Request(
            self.method_bytes, self.url, content=self.body, extensions=self.extensions
        )
        # Every name and value is bytes already (encoded from checked str above): skip httpcore2's
        # per-header type check, a pair of calls per header on every attempt.
        request.headers = wire
        return request


_RETRY_COUNTS = [str(n).encode() for n in range(8)]


_KEYS_AT_ONCE = 64
_keys: list[str] = []  # random hex, 128 bits each, drawn from os.urandom in batches


def _idempotency_key() -> str:
    """A fresh key: 128 random bits (as unique as uuid4). One ``os.urandom`` call serves 64 keys; a
    forked child drops the parent's unused ones, so no two processes send the same key."""
    try:
        return "trio-openai-retry-" + _keys.pop()  # list.pop is atomic: threads never share a key
    except IndexError:
        raw = os.urandom(16 * _KEYS_AT_ONCE).hex()
        _keys.extend([raw[i : i + 32] for i in range(0, len(raw), 32)])
        return "trio-openai-retry-" + _keys.pop()


if hasattr(os, "register_at_fork"):  # not on Windows, where there is no fork
    os.register_at_fork(after_in_child=_keys.clear)


async def prepare(config: ClientConfig, call: Call[Any]) -> Prepared:
    """Build ``call`` on ``config``: the per-call options merged over the client's, the body encoded
    once. A body that cannot be replayed (an async iterable) turns retries off."""
    options = call.options
    timeout = config.timeout
    max_retries = config.retry.max_retries
    extra_body: Mapping[str, object] | None = None
    extra_headers: Mapping[str, str | Omit] | None = None
    key: str | None = None
    if options:  # the usual call has none: skip every lookup
        timeout_opt = options.get("timeout", _NOT_GIVEN)
        if not isinstance(timeout_opt, NotGiven):
            timeout = to_timeout(timeout_opt)
        if "max_retries" in options:
            max_retries = validate_max_retries(options["max_retries"])
        extra_body = options.get("extra_body")
        extra_headers = options.get("extra_headers")
        key = options.get("idempotency_key")

    url, url_text = build_target(config, call)
    headers = config.base_headers.copy()
    added: list[tuple[str, str]] = []  # what this call adds to the base headers, in order
    body: bytes | AsyncIterable[bytes] | None = None
    if call.multipart:
        fields = dict(call.body or {})
        if extra_body:
            fields.update(extra_body)
        body, ctype = await build_multipart(fields)
        added.append(("Content-Type", ctype))
    elif call.content is not None:
        body = call.content
        if not isinstance(body, bytes | bytearray):
            max_retries = 0
        added.append(("Content-Type", call.content_type or "application/octet-stream"))
    elif call.body is not None or extra_body:
        merged = call.body
        if extra_body:
            merged = dict(call.body or {})
            merged.update(extra_body)
        body = encode_json(merged)
        added.append(("Content-Type", "application/json"))
    if isinstance(body, bytes | bytearray):
        added.append(("Content-Length", str(len(body))))
    elif body is not None:
        added.append(("Transfer-Encoding", "chunked"))
    if call.method != "GET":
        if key:
            check_header_value(key, "the idempotency_key")
        else:
            key = _idempotency_key()
        added.append(("Idempotency-Key", key))
    for name, value in added:
        headers[name.lower()] = (name, value)
    wire: list[tuple[bytes, bytes]] | None = None
    if call.headers or extra_headers:
        apply_headers(headers, call.headers)
        apply_headers(headers, extra_headers)
    elif config.wire_extends:  # the base headers encoded once per configuration, this call's added
        wire = config.base_wire + [(n.encode("latin-1"), v.encode("latin-1")) for n, v in added]
    admin = call.admin
    # An explicitly omitted credential header (``extra_headers={"Authorization": omit}``, or
    # ``"api-key"`` on Azure) sends the request with no credentials at all, as the official SDK does.
    auth_name = "authorization" if config.auth is None else config.auth.header
    no_auth = _omits(call.headers, auth_name) or _omits(extra_headers, auth_name)
    if not no_auth and config.auth is None and "authorization" not in headers:
        _check_credentials(config, admin)
    return Prepared(
        config, call.method, url, url_text, headers, body, timeout, max_retries, wire, admin, no_auth
    )


def _omits(headers: Mapping[str, str | Omit] | None, name: str) -> bool:
    """Whether ``headers`` removes the header ``name`` (lower-case) with an ``omit`` value."""
    if not headers:
        return False
    for key, value in headers.items():
        if isinstance(value, Omit) and isinstance(key, str) and key.lower() == name:  # pyright: ignore[reportUnnecessaryIsInstance]
            return True
    return False


def _check_credentials(config: ClientConfig, admin: bool) -> None:
    """Before any I/O, as the official SDK: an admin endpoint needs the admin key, the others the API
    key (or an ``Authorization`` header of the caller's). Neither message shows a key."""
    if admin:
        if config.admin_wire is None:
            raise TypeError(
                "This is an admin endpoint: it needs an admin API key. Pass admin_api_key=... to the "
                "client or set the OPENAI_ADMIN_KEY environment variable (or send an Authorization "
                "header yourself)."
            )
    elif config.api_key == "":
        raise TypeError(
            "This endpoint needs an API key and the client has only an admin key: pass api_key=... "
            "or set the OPENAI_API_KEY environment variable (or send an Authorization header yourself)."
        )


# --- path parameters ----------------------------------------------------------------------------------


def path_param(value: object, name: str) -> str:
    """Percent-encode one path parameter; empty values and dot segments fail before any I/O."""
    if not isinstance(value, str):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        else:
            raise TypeError(f"Expected a string for `{name}` but received {type(value).__name__}")
    if not value:
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    if value in (".", ".."):
        raise ValueError(f"`{name}` cannot be {value!r}")
    return quote(value, safe="")


def strip_not_given(params: Mapping[str, object]) -> dict[str, object]:
    """The parameters the caller actually passed (``omit`` / ``NOT_GIVEN`` dropped, ``None`` kept)."""
    return {k: v for k, v in params.items() if v is not _OMIT and v is not _NOT_GIVEN}


# --- JSON -------------------------------------------------------------------------------------------


def _enc_hook(obj: Any) -> Any:
    if isinstance(obj, Omit | NotGiven):
        raise TypeError("omit / NOT_GIVEN can only be used as a top-level parameter value")
    if isinstance(obj, str | bytes | Mapping):
        raise NotImplementedError(
            f"Objects of type {type(cast(object, obj)).__name__} are not JSON serializable"
        )
    if isinstance(obj, Iterable):  # generators, dict views and other iterables the SDK's types accept
        return list(cast("Iterable[Any]", obj))
    raise NotImplementedError(f"Objects of type {type(obj).__name__} are not JSON serializable")


_encoder = msgspec.json.Encoder(enc_hook=_enc_hook)


def encode_json(body: object) -> bytes:
    """Encode a request body; a value msgspec cannot encode is a ``TypeError`` naming it."""
    try:
        return _encoder.encode(body)
    except (TypeError, NotImplementedError) as exc:
        raise TypeError(f"The request body cannot be encoded as JSON: {exc}") from exc
    except (OverflowError, ValueError) as exc:
        raise ValueError(f"The request body cannot be encoded as JSON: {exc}") from exc


# --- query strings ------------------------------------------------------------------------------------


def _scalar(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, msgspec.Struct):
        raise TypeError("a Struct cannot be a query parameter value")
    return str(value)


def _flatten(key: str, value: object) -> Iterator[tuple[str, str]]:
    """Bracket style: ``a[]=1&a[]=2`` for arrays, ``a[b]=c`` for objects; ``None`` is dropped."""
    if value is None or isinstance(value, Omit | NotGiven):
        return
    if isinstance(value, Mapping):
        for sub, item in cast("Mapping[str, object]", value).items():
            yield from _flatten(f"{key}[{sub}]", item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in cast("Iterable[object]", value):
            yield from _flatten(f"{key}[]", item)
    else:
        yield key, _scalar(value)


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch  # what `quote` leaves as it is


def encode_query(params: Mapping[str, object]) -> str:
    parts: list[str] = []
    for key, value in params.items():
        kind = type(value)
        if kind is str or kind is int:  # the common case (limit, after, order): no flattening
            text = cast(str, value) if kind is str else str(value)
            name = key if _UNRESERVED(key) else quote(key, safe="[]")
            parts.append(f"{name}={text if _UNRESERVED(text) else quote(text, safe='')}")
            continue
        for name, text in _flatten(key, value):
            parts.append(f"{quote(name, safe='[]')}={quote(text, safe='')}")
    return "&".join(parts)


# --- multipart ----------------------------------------------------------------------------------------


def is_file(value: object) -> bool:
    """Whether ``value`` is one of the upload forms (bytes, a binary file, a path, a tuple)."""
    if isinstance(value, bytes | bytearray | memoryview | os.PathLike | io.IOBase):
        return True
    if isinstance(value, tuple):
        parts = cast("tuple[object, ...]", value)
        return 2 <= len(parts) <= 4 and (parts[0] is None or isinstance(parts[0], str))
    return hasattr(value, "read") and callable(value.read)  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownArgumentType]


async def _read_file(value: object) -> tuple[str, bytes, str | None, Mapping[str, str]]:
    """Resolve one upload to (filename, bytes, content type, extra part headers)."""
    filename: str | None = None
    ctype: str | None = None
    extra: Mapping[str, str] = {}
    content: object = value
    if isinstance(value, tuple):
        parts: tuple[Any, ...] = value  # pyright: ignore[reportUnknownVariableType]
        filename, content = parts[0], parts[1]
        if len(parts) > 2:
            ctype = parts[2]
        if len(parts) > 3:
            extra = parts[3]
    if isinstance(content, os.PathLike):
        path = str(os.fspath(cast("os.PathLike[str]", content)))
        data = await trio.Path(path).read_bytes()  # read in a worker thread, never blocking trio
        filename = filename or os.path.basename(path)
    elif isinstance(content, bytes | bytearray):
        data = bytes(content)
    elif isinstance(content, memoryview):
        data = cast("memoryview[int]", content).tobytes()
    elif hasattr(content, "read"):
        raw: object = content.read()  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownVariableType]
        if isinstance(raw, str):
            raise TypeError("file objects must be opened in binary mode ('rb')")
        data = bytes(raw)  # pyright: ignore[reportArgumentType]
        name = getattr(content, "name", None)
        if filename is None and isinstance(name, str):
            filename = os.path.basename(name)
    else:
        raise TypeError(f"cannot upload a {type(content).__name__}; pass bytes, a binary file or a path")
    filename = filename or "upload"
    if ctype is None:
        ctype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return filename, data, ctype, extra


def _form_fields(key: str, value: object) -> Iterator[tuple[str, object]]:
    if value is None or isinstance(value, Omit | NotGiven):
        return
    if is_file(value):
        yield key, value
    elif isinstance(value, Mapping):
        for sub, item in cast("Mapping[str, object]", value).items():
            yield from _form_fields(f"{key}[{sub}]", item)
    elif isinstance(value, list | tuple):
        for item in cast("Iterable[object]", value):
            yield from _form_fields(f"{key}[]", item)
    else:
        yield key, value


def _quote_name(name: str) -> str:
    return name.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


async def build_multipart(fields: Mapping[str, object]) -> tuple[bytes, str]:
    """Encode ``fields`` as multipart/form-data; returns (body, content type with boundary)."""
    boundary = uuid.uuid4().hex
    dash = f"--{boundary}\r\n".encode()
    out: list[bytes] = []
    for top, top_value in fields.items():
        for name, value in _form_fields(top, top_value):
            out.append(dash)
            if is_file(value):
                filename, data, ctype, extra = await _read_file(value)
                out.append(
                    f'Content-Disposition: form-data; name="{_quote_name(name)}"; '
                    f'filename="{_quote_name(filename)}"\r\n'.encode()
                )
                if ctype:
                    out.append(f"Content-Type: {ctype}\r\n".encode())
                for hk, hv in extra.items():
                    out.append(f"{hk}: {hv}\r\n".encode())
                out.append(b"\r\n")
                out.append(data)
            else:
                text = encode_json(value).decode() if isinstance(value, msgspec.Struct) else _scalar(value)
                out.append(f'Content-Disposition: form-data; name="{_quote_name(name)}"\r\n\r\n'.encode())
                out.append(text.encode())
            out.append(b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"
