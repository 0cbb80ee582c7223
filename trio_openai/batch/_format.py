"""The Batch API's line formats, as used by both run modes: requests in, results and errors out.

A request line is ``{"custom_id", "method", "url", "body"}``; its ``body`` is kept as raw JSON bytes
(``msgspec.Raw``) so it is sent exactly as written, never decoded and re-encoded. A result line is
``{"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error"}`` with ``error``
``null`` for a success and ``{"code", "message"}`` for a failure.
"""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = [
    "SUPPORTED_URLS",
    "BatchError",
    "BatchRequest",
    "BatchResponse",
    "BatchResult",
    "client_path",
    "decode_result",
    "encode_result",
]

SUPPORTED_URLS: tuple[str, ...] = (
    "/v1/chat/completions",
    "/v1/responses",
    "/v1/embeddings",
    "/v1/completions",
    "/v1/moderations",
)
"""The endpoints a batch line may name (``url``), as the Batch API spells them."""


def client_path(url: str) -> str | None:
    """The path to give a client whose ``base_url`` ends in ``/v1``: ``"/v1/embeddings"`` ->
    ``"/embeddings"``; ``None`` for an endpoint the Batch API does not accept.

    A ``url`` written without the ``/v1`` prefix (``"/embeddings"``) is accepted too; the prefix is
    never doubled."""
    path = "/" + url.strip().lstrip("/")
    canonical = path if path.startswith("/v1/") else "/v1" + path
    canonical = canonical.rstrip("/")
    if canonical not in SUPPORTED_URLS:
        return None
    return canonical[len("/v1") :]


class BatchRequest(msgspec.Struct, kw_only=True, frozen=True):
    """One request of a bulk run: the Batch API input line.

    ``body`` is the request body as JSON bytes (``msgspec.Raw``); build one from a dict with
    :meth:`make`. ``url`` is relative to the API root (``"/v1/chat/completions"``).
    """

    custom_id: str
    url: str
    body: msgspec.Raw
    method: str = "POST"

    @classmethod
    def make(cls, custom_id: str, url: str, body: dict[str, Any] | msgspec.Struct) -> BatchRequest:
        """A request from a body given as a dict (or a params Struct)."""
        return cls(custom_id=custom_id, url=url, body=msgspec.Raw(msgspec.json.encode(body)))

    def to_line(self) -> bytes:
        """The request as one Batch API input line (with ``\\n``), the url in its ``/v1/...`` form."""
        path = client_path(self.url)
        url = self.url if path is None else "/v1" + path
        return _encoder.encode(_WireRequest(self.custom_id, self.method.upper(), url, self.body)) + b"\n"


class _WireRequest(msgspec.Struct, array_like=False):
    custom_id: str
    method: str
    url: str
    body: msgspec.Raw


class BatchResponse(msgspec.Struct, kw_only=True, frozen=True):
    """The HTTP answer to one request: status, ``x-request-id`` and the body as raw JSON."""

    status_code: int
    request_id: str | None = None
    body: msgspec.Raw = msgspec.Raw(b"null")

    def json(self) -> Any:
        """The body, decoded."""
        return msgspec.json.decode(self.body)


class BatchError(msgspec.Struct, kw_only=True, frozen=True):
    """Why a request failed for good: an error code (the API's, or ``http_<status>``,
    ``connection_error``, ``timeout``, ``batch_failed`` ...) and a message."""

    code: str | None
    message: str


class BatchResult(msgspec.Struct, kw_only=True, frozen=True):
    """One request's outcome, in the Batch API output format.

    ``ok`` when ``error`` is ``None``. A failure may still carry the ``response`` it got.
    """

    id: str
    custom_id: str
    response: BatchResponse | None = None
    error: BatchError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_line(self) -> bytes:
        return encode_result(self)


_encoder = msgspec.json.Encoder()
_result_decoder = msgspec.json.Decoder(BatchResult)


def encode_result(result: BatchResult) -> bytes:
    """One output line, ``\\n`` included (``"error": null`` is written out, as the API does)."""
    return _encoder.encode(result) + b"\n"


def decode_result(line: bytes) -> BatchResult:
    """Parse one output or error line (raises ``msgspec.DecodeError`` / ``ValidationError``)."""
    return _result_decoder.decode(line)
