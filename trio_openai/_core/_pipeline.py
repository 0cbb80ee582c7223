"""The request pipeline: one call's options merged, its request built, sent and retried.

Nothing here knows about specific endpoints; the transport below knows nothing about OpenAI.
"""

from __future__ import annotations

import inspect
import logging
import ssl
import uuid
from collections.abc import AsyncIterable, Awaitable, Callable, Generator, Mapping
from contextlib import contextmanager
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import httpcore2
import trio

from ._errors import APIConnectionError, APITimeoutError, RequestInfo, status_error
from ._headers import Headers
from ._logs import logger
from ._options import NotGiven, Omit, RequestOptions, Timeout, to_timeout, validate_max_retries
from ._rategate import current_gate
from ._request import build_multipart, encode_json, encode_query
from ._retry import RetryPolicy
from ._transport import AsyncTransport

__all__ = ["BaseURL", "Call", "ClientConfig", "Sent", "map_transport_errors", "send"]

T = TypeVar("T")

ApiKey = str | Callable[[], str | Awaitable[str]]

_RETRYABLE_TRANSPORT = (
    httpcore2.NetworkError,
    httpcore2.RemoteProtocolError,
    httpcore2.ProxyError,
    ssl.SSLError,
)


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
    """Everything a client knows that a request needs. Immutable once built; ``with_options`` copies."""

    __slots__ = (
        "api_key",
        "base",
        "default_query",
        "organization",
        "project",
        "retry",
        "static_headers",
        "timeout",
        "transport",
        "user_agent",
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
    ) -> None:
        self.api_key = api_key
        self.organization = organization
        self.project = project
        self.base = base
        self.default_query = dict(default_query)
        self.timeout = timeout
        self.retry = retry
        self.transport = transport
        self.user_agent = user_agent
        static: dict[str, tuple[str, str]] = {
            "accept": ("Accept", "application/json"),
            "user-agent": ("User-Agent", user_agent),
        }
        if organization:
            static["openai-organization"] = ("OpenAI-Organization", organization)
        if project:
            static["openai-project"] = ("OpenAI-Project", project)
        _apply_headers(static, default_headers)
        self.static_headers = static


def _apply_headers(into: dict[str, tuple[str, str]], extra: Mapping[str, str | Omit] | None) -> None:
    if not extra:
        return
    for name, value in extra.items():
        key = name.lower()
        if isinstance(value, Omit):
            into.pop(key, None)
        else:
            into[key] = (name, value)


class Call(Generic[T]):
    """One API call as the resource method described it, with the caller's per-call options."""

    __slots__ = (
        "body",
        "cast_to",
        "content",
        "content_type",
        "headers",
        "method",
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
    ) -> None:
        self.method = method.upper()
        self.path = path
        self.cast_to = cast_to
        self.body = body
        self.query = query
        self.multipart = multipart
        self.content = content
        self.content_type = content_type
        self.headers = headers
        self.options: RequestOptions = options if options is not None else {}

    def with_query(self, query: Mapping[str, object]) -> Call[T]:
        """The same call with query parameters replaced or added (the next page of a listing)."""
        merged = dict(self.query or {})
        merged.update(query)
        new = Call[T](self.method, self.path, cast_to=self.cast_to, query=merged, options=self.options)
        new.body, new.multipart, new.content = self.body, self.multipart, self.content
        new.content_type, new.headers = self.content_type, self.headers
        return new


class Sent:
    """What the pipeline hands back: the live response, its body if it was read, and the facts."""

    __slots__ = ("content", "elapsed", "raw", "request_info", "retries_taken")

    def __init__(
        self,
        raw: httpcore2.Response,
        content: bytes | None,
        request_info: RequestInfo,
        retries_taken: int,
        elapsed: float,
    ) -> None:
        self.raw = raw
        self.content = content
        self.request_info = request_info
        self.retries_taken = retries_taken
        self.elapsed = elapsed


@contextmanager
def map_transport_errors(info: RequestInfo) -> Generator[None, None, None]:
    """Turn httpcore2's exceptions into this library's, keeping the original as ``__cause__``."""
    try:
        yield
    except httpcore2.TimeoutException as exc:
        raise APITimeoutError(info) from exc
    except (*_RETRYABLE_TRANSPORT, httpcore2.LocalProtocolError, httpcore2.UnsupportedProtocol) as exc:
        raise APIConnectionError(request=info) from exc


async def _close(raw: httpcore2.Response) -> None:
    with trio.CancelScope(shield=True) as scope:
        scope.relative_deadline = 5.0
        await raw.aclose()


def _build_target(config: ClientConfig, call: Call[Any]) -> tuple[httpcore2.URL, str]:
    path = call.path
    query: dict[str, object] | None = None
    if "?" in path:
        path, _, hard = path.partition("?")
        from urllib.parse import parse_qsl

        query = dict(parse_qsl(hard, keep_blank_values=True))
    if path.startswith(("http://", "https://")):
        base = BaseURL(path)
        target = base.prefix
    else:
        base = config.base
        target = base.prefix + (path if path.startswith("/") else "/" + path)
    if config.default_query or call.query or query or call.options.get("extra_query"):
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
    port = "" if base.port is None else f":{base.port}"
    return url, f"{base.scheme.decode()}://{base.host.decode()}{port}{target}"


async def _api_key(config: ClientConfig) -> str:
    key = config.api_key
    if isinstance(key, str):
        return key
    value = key()
    if inspect.isawaitable(value):
        value = await value
    if not value:
        raise TypeError("the api_key provider must return a non-empty str")
    return value


async def send(config: ClientConfig, call: Call[Any], *, read_body: bool) -> Sent:
    """Send ``call`` with retries. With ``read_body`` the body is read (and the connection released)
    inside each attempt, so a connection dropped mid-body is retried too; otherwise the successful
    response is returned with its body still streaming. Error statuses are raised as typed errors."""
    options = call.options
    timeout_opt = options.get("timeout", NotGiven())
    timeout = config.timeout if isinstance(timeout_opt, NotGiven) else to_timeout(timeout_opt)
    retry = config.retry
    max_retries = retry.max_retries
    if "max_retries" in options:
        max_retries = validate_max_retries(options["max_retries"])

    url, url_text = _build_target(config, call)
    info = RequestInfo(call.method, url_text)

    # The body, built once and replayed on every attempt.
    headers = dict(config.static_headers)
    headers["host"] = ("Host", config.base.host_header.decode())
    body: bytes | AsyncIterable[bytes] | None = None
    replayable = True
    extra_body = options.get("extra_body")
    if call.multipart:
        fields = dict(call.body or {})
        if extra_body:
            fields.update(extra_body)
        body, ctype = await build_multipart(fields)
        headers["content-type"] = ("Content-Type", ctype)
    elif call.content is not None:
        body = call.content
        if not isinstance(body, bytes | bytearray):
            replayable = False
        headers["content-type"] = ("Content-Type", call.content_type or "application/octet-stream")
    elif call.body is not None or extra_body:
        merged = call.body
        if extra_body:
            merged = dict(call.body or {})
            merged.update(extra_body)
        body = encode_json(merged)
        headers["content-type"] = ("Content-Type", "application/json")
    if isinstance(body, bytes | bytearray):
        headers["content-length"] = ("Content-Length", str(len(body)))
    elif body is not None:
        headers["transfer-encoding"] = ("Transfer-Encoding", "chunked")
    if call.method != "GET":
        key = options.get("idempotency_key") or f"trio-openai-retry-{uuid.uuid4().hex}"
        headers["idempotency-key"] = ("Idempotency-Key", key)
    _apply_headers(headers, call.headers)
    _apply_headers(headers, options.get("extra_headers"))
    info.headers = headers  # for a response's http_request (redacted there); not copied
    if not replayable:
        max_retries = 0
    send_auth = "authorization" not in headers
    user_retry_header = "x-stainless-retry-count" in headers

    ext = {"timeout": timeout.as_extension()}
    debug = logger.isEnabledFor(logging.DEBUG)
    gate = current_gate()  # a fleet's shared rate limit gate, when the caller set one

    async def attempts() -> Sent:
        retries_taken = 0
        while True:
            attempt_headers = headers
            if send_auth or not user_retry_header:
                attempt_headers = dict(headers)
                if send_auth:
                    attempt_headers["authorization"] = ("Authorization", f"Bearer {await _api_key(config)}")
                if not user_retry_header:
                    attempt_headers["x-stainless-retry-count"] = (
                        "x-stainless-retry-count",
                        str(retries_taken),
                    )
            if gate is not None:
                await gate.wait()
            request = httpcore2.Request(
                call.method.encode(),
                url,
                headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in attempt_headers.values()],
                content=body,
                extensions=ext,
            )
            started = trio.current_time()
            error: APIConnectionError | None = None
            raw: httpcore2.Response | None = None
            content: bytes | None = None
            try:
                raw = await config.transport.handle_async_request(request)
                if read_body or raw.status >= 400:
                    try:
                        content = await raw.aread()
                    except BaseException:
                        await _close(raw)  # shielded: a cancelled read still releases the connection
                        raise
                    await raw.aclose()  # the body is complete: this returns the connection to the pool
            except httpcore2.TimeoutException as exc:
                error = APITimeoutError(info)
                error.__cause__ = exc
            except _RETRYABLE_TRANSPORT as exc:
                error = APIConnectionError(request=info)
                error.__cause__ = exc
            except (httpcore2.LocalProtocolError, httpcore2.UnsupportedProtocol) as exc:
                raise APIConnectionError(request=info) from exc
            elapsed = trio.current_time() - started
            if error is not None or raw is None:
                assert error is not None
                if retries_taken >= max_retries:
                    raise error
                delay = retry.delay(retries_taken, None, None)
                logger.info(
                    "Retrying request to %s in %f seconds (retry %i of %i) after %s",
                    call.path,
                    delay,
                    retries_taken + 1,
                    max_retries,
                    type(error.__cause__).__name__,
                )
            else:
                status = raw.status
                if gate is not None:
                    gate.observe(status, Headers(raw.headers))
                if debug:
                    logger.debug(
                        'HTTP Request: %s %s "%d" request_id=%s',
                        call.method,
                        url_text,
                        status,
                        Headers(raw.headers).get("x-request-id"),
                    )
                if status < 400:
                    return Sent(raw, content, info, retries_taken, elapsed)
                resp_headers = Headers(raw.headers)
                if retries_taken >= max_retries or not retry.should_retry_status(status, resp_headers):
                    from ._response import APIResponse

                    meta = APIResponse[Any](
                        raw,
                        content or b"",
                        request_info=info,
                        retries_taken=retries_taken,
                        elapsed=elapsed,
                        parser=lambda _m, _c: None,
                    )
                    raise status_error(meta, content or b"")
                delay = retry.delay(retries_taken, status, resp_headers)
                logger.info(
                    "Retrying request to %s in %f seconds (retry %i of %i) after HTTP %d",
                    call.path,
                    delay,
                    retries_taken + 1,
                    max_retries,
                    status,
                )
            await trio.sleep(delay)
            retries_taken += 1

    if timeout.total is None:
        return await attempts()
    with trio.move_on_after(timeout.total) as scope:
        return await attempts()
    assert scope.cancelled_caught
    raise APITimeoutError(info, message=f"Request timed out (total timeout of {timeout.total} s).")
