"""The exception hierarchy, with the official SDK's names and attributes.

Every exception pickles (to cross a process boundary, as ``multiprocessing`` and ``trio.to_thread``
pools do): the copy keeps the message, ``status_code``, ``body``, ``code`` / ``param`` / ``type``, the
response headers (so ``request_id``) and the request's method and URL; it drops ``response`` (it
holds the connection) and the request headers, so no credential travels.
"""

from __future__ import annotations

import copyreg
from typing import TYPE_CHECKING, Any, Literal, cast

from ._headers import Headers

if TYPE_CHECKING:
    from ._response import APIResponse

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "InvalidWebhookSignatureError",
    "NotFoundError",
    "OpenAIError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestInfo",
    "StreamAlreadyConsumed",
    "UnprocessableEntityError",
    "status_error",
]


#: ``cls.__new__(cls, *args)`` by a name pickle knows (the NEWOBJ opcode): no ``__init__`` call.
_NEWOBJ: Any = getattr(copyreg, "__newobj__")  # noqa: B009 (untyped in typeshed)


class OpenAIError(Exception):
    """Base class of every error this library raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt without calling __init__ (subclasses take keyword-only arguments), from its args and
        # attributes, less what holds a connection.
        state = {k: None if k in _NOT_PICKLED else v for k, v in self.__dict__.items()}
        return (_NEWOBJ, (type(self), *self.args), state)


class RequestInfo:
    """What an error needs to say about the request it came from: method and URL, never headers.

    ``headers`` (set by the pipeline once the request is built: name -> (Name, value), without the
    Authorization it adds per attempt, and any credential the caller's headers carry redacted) backs a
    response's ``http_request``; errors never show it."""

    __slots__ = ("headers", "method", "url")

    def __init__(self, method: str, url: str) -> None:
        self.method: str = method
        self.url: str = url
        self.headers: dict[str, tuple[str, str]] | None = None

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.url}>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (RequestInfo, (self.method, self.url))  # never the headers sent


#: Attributes a pickled error leaves empty: the response holds the connection (and the sent headers).
_NOT_PICKLED = frozenset({"_response"})

_NO_RESPONSE = (
    "this error has no response object (it was unpickled, or built without response=); "
    "status_code, headers, body and request_id are on the error itself"
)


class APIError(OpenAIError):
    """An error about one API request. ``body`` is the decoded error object (or raw text)."""

    message: str
    request: RequestInfo | None
    body: object | None
    code: str | None
    param: str | None
    type: str | None

    def __init__(self, message: str, request: RequestInfo | None = None, *, body: object | None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body
        if isinstance(body, dict):
            fields: dict[str, Any] = body  # type: ignore[assignment]
            code = fields.get("code")
            self.code = None if code is None else str(code)
            param = fields.get("param")
            self.param = None if param is None else str(param)
            typ = fields.get("type")
            self.type = None if typ is None else str(typ)
        else:
            self.code = self.param = self.type = None

    def __str__(self) -> str:
        return self.message


class APIResponseValidationError(APIError):
    """The server answered, but the body does not match the declared type."""

    def __init__(
        self, response: APIResponse[Any], body: object | None, *, message: str | None = None
    ) -> None:
        super().__init__(
            message or "Data returned by the API is invalid for the expected schema.",
            response.request_info,
            body=body,
        )
        self._response: APIResponse[Any] | None = response
        self.status_code: int = response.status_code

    @property
    def response(self) -> APIResponse[Any]:
        """The response whose body did not match (not kept by a pickled copy)."""
        if self._response is None:
            raise AttributeError(_NO_RESPONSE)
        return self._response


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx status.

    ``status_code``, ``headers`` and ``request_id`` are the response's; ``response`` is the response
    itself (body read), which a pickled copy does not keep (reading it raises ``AttributeError``).
    """

    status_code: int
    headers: Headers
    """The response's headers (case-insensitive)."""

    def __init__(
        self,
        message: str,
        *,
        response: APIResponse[Any] | None = None,
        body: object | None,
        status_code: int | None = None,
        headers: Headers | None = None,
        request: RequestInfo | None = None,
    ) -> None:
        """``response=`` (as the official SDK takes) gives the status, headers and request; without
        it pass ``status_code=``, ``headers=`` and ``request=``."""
        if response is not None:
            request = response.request_info if request is None else request
            status_code = response.status_code if status_code is None else status_code
            headers = response.headers if headers is None else headers
        if status_code is None:
            raise TypeError("APIStatusError needs response= or status_code=")
        super().__init__(message, request, body=body)
        self._response = response
        self.status_code = status_code
        self.headers = Headers() if headers is None else headers

    @property
    def response(self) -> APIResponse[Any]:
        """The error response, body read (``content``, ``retries_taken``, ``rate_limits`` ...)."""
        if self._response is None:
            raise AttributeError(_NO_RESPONSE)
        return self._response

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header: quote it when you ask OpenAI about a failed request."""
        return self.headers.get("x-request-id")


class BadRequestError(APIStatusError):
    """HTTP 400: The request was malformed or had an invalid parameter (see ``param``). Not retried."""

    status_code: Literal[400] = 400  # type: ignore[assignment]


class AuthenticationError(APIStatusError):
    """HTTP 401: The API key is missing, wrong or revoked. Not retried."""

    status_code: Literal[401] = 401  # type: ignore[assignment]


class PermissionDeniedError(APIStatusError):
    """HTTP 403: The key may not use this resource or model. Not retried."""

    status_code: Literal[403] = 403  # type: ignore[assignment]


class NotFoundError(APIStatusError):
    """HTTP 404: The object or model does not exist, or this key cannot see it. Not retried."""

    status_code: Literal[404] = 404  # type: ignore[assignment]


class ConflictError(APIStatusError):
    """HTTP 409: The request conflicts with the object's state. Retried by default (as the official SDK does)."""

    status_code: Literal[409] = 409  # type: ignore[assignment]


class UnprocessableEntityError(APIStatusError):
    """HTTP 422: The request was well-formed but could not be processed. Not retried."""

    status_code: Literal[422] = 422  # type: ignore[assignment]


class RateLimitError(APIStatusError):
    """HTTP 429: A rate limit or quota was hit. Retried by default, waiting for ``retry-after`` or the
    ``x-ratelimit-reset-*`` time; a quota error (``code == "insufficient_quota"``) keeps failing."""

    status_code: Literal[429] = 429  # type: ignore[assignment]


class InternalServerError(APIStatusError):
    """HTTP 500 or above: the server failed. Retried by default (unless ``x-should-retry: false``)."""


class APIConnectionError(APIError):
    """The request never got a complete answer: connect failure, reset, protocol error."""

    def __init__(self, *, message: str = "Connection error.", request: RequestInfo | None = None) -> None:
        super().__init__(message, request, body=None)


class APITimeoutError(APIConnectionError):
    """A connect, read, write, pool or total timeout expired."""

    def __init__(self, request: RequestInfo | None = None, *, message: str = "Request timed out.") -> None:
        super().__init__(message=message, request=request)


class StreamAlreadyConsumed(OpenAIError):
    """A streamed body was read (or closed) already and cannot be read again."""


class InvalidWebhookSignatureError(ValueError):
    """A webhook request whose signature or timestamp does not check out (``client.webhooks``).

    A ``ValueError``, not an :class:`OpenAIError`, as in the official SDK: it is about a request your
    server received, not one this client sent.
    """


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error(
    status: int,
    headers: Headers,
    content: bytes,
    request: RequestInfo,
    *,
    response: APIResponse[Any] | None = None,
) -> APIStatusError:
    """The error for an error response from its facts: the status picks the class, the read body
    (``content``) gives ``body`` and the message. ``response`` becomes the error's ``response``."""
    import msgspec

    body: object
    decoded: object
    try:
        decoded = msgspec.json.decode(content) if content else None
    except msgspec.DecodeError:
        body = content.decode("utf-8", "replace").strip() or None
    else:
        body = decoded
        if isinstance(decoded, dict) and "error" in decoded:
            body = cast("dict[str, object]", decoded)["error"]
    message = f"Error code: {status}"
    detail: object = None
    if isinstance(body, dict):
        detail = cast("dict[str, object]", body).get("message")
    elif isinstance(body, str):
        detail = _text_snippet(body)
    if isinstance(detail, str) and detail:
        message = f"{message} - {detail}"
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    return cls(
        message,
        response=response,
        body=cast(object, body),
        status_code=status,
        headers=headers,
        request=request,
    )


def _text_snippet(text: str, limit: int = 200) -> str:
    """A readable one-line excerpt of a non-JSON error body (an HTML 502 page, say)."""
    import re

    title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    if title:
        text = title.group(1)
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
