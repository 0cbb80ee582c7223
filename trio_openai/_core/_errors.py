"""The exception hierarchy, with the official SDK's names and attributes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:
    from ._response import APIResponse, Headers

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


class OpenAIError(Exception):
    """Base class of every error this library raises on purpose."""


class RequestInfo:
    """What an error needs to say about the request it came from: method and URL, never headers."""

    __slots__ = ("method", "url")

    def __init__(self, method: str, url: str) -> None:
        self.method: str = method
        self.url: str = url

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.url}>"


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
        self.response = response
        self.status_code: int = response.status_code


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx status."""

    status_code: int

    def __init__(self, message: str, *, response: APIResponse[Any], body: object | None) -> None:
        super().__init__(message, response.request_info, body=body)
        self.response = response
        self.status_code: int = response.status_code

    @property
    def headers(self) -> Headers:
        """The response's headers (case-insensitive)."""
        return self.response.headers

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header: quote it when you ask OpenAI about a failed request."""
        return self.response.request_id


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


def status_error(response: APIResponse[Any], content: bytes) -> APIStatusError:
    """Build the right error class for an error response whose body has been read."""
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
    message = f"Error code: {response.status_code}"
    detail: object = None
    if isinstance(body, dict):
        detail = cast("dict[str, object]", body).get("message")
    elif isinstance(body, str):
        detail = _text_snippet(body)
    if isinstance(detail, str) and detail:
        message = f"{message} - {detail}"
    cls = _BY_STATUS.get(response.status_code)
    if cls is None:
        cls = InternalServerError if response.status_code >= 500 else APIStatusError
    return cls(message, response=response, body=cast(object, body))


def _text_snippet(text: str, limit: int = 200) -> str:
    """A readable one-line excerpt of a non-JSON error body (an HTML 502 page, say)."""
    import re

    title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    if title:
        text = title.group(1)
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
