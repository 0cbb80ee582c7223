"""``client.webhooks``: check that a webhook request came from OpenAI, and decode its event.

::

    event = client.webhooks.unwrap(request_body, request_headers)   # verifies, then decodes
    if event.type == "response.completed":
        ...

The request carries ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``
(space-separated ``v1,<base64>`` entries). A signature is ``base64(HMAC-SHA256(secret,
f"{id}.{timestamp}.{body}"))``; the request is genuine when any entry matches and the timestamp is
within ``tolerance`` seconds of now. A secret starting with ``whsec_`` is base64 after the prefix.

No I/O happens here, so the methods are plain (not ``async``) on both clients.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, cast

from .._blocking._bridge import SyncAPIResource
from .._core._decoding import decode_json
from .._core._errors import InvalidWebhookSignatureError
from .._core._resource import AsyncAPIResource

if TYPE_CHECKING:
    from ..types import UnwrapWebhookEvent

__all__ = ["AsyncWebhooks", "HeadersLike", "Webhooks"]

#: Request headers as web frameworks hand them over: a mapping, or (name, value) pairs (ASGI's are bytes).
HeadersLike = Mapping[str, str] | Iterable[tuple[str, str]] | Iterable[tuple[bytes, bytes]]

DEFAULT_TOLERANCE = 300
_SECRET_PREFIX = "whsec_"
_SIGNATURE_PREFIX = "v1,"


def _header(headers: HeadersLike, name: str) -> str:
    """The value of header ``name`` (any case); ``ValueError`` when it is missing."""
    pairs = cast(
        "Iterable[tuple[str | bytes, str | bytes]]",
        headers.items() if isinstance(headers, Mapping) else headers,
    )
    for key, value in pairs:
        key_text = key.decode("latin-1") if isinstance(key, bytes) else key
        if key_text.lower() == name:
            return value.decode("latin-1") if isinstance(value, bytes) else value
    raise ValueError(f"Could not find {name} header")


def _secret_bytes(secret: str) -> bytes:
    if secret.startswith(_SECRET_PREFIX):
        try:
            return base64.b64decode(secret.removeprefix(_SECRET_PREFIX), validate=True)
        except binascii.Error as exc:
            raise ValueError("a whsec_ webhook secret must be base64 after the prefix") from exc
    return secret.encode("utf-8")


def _body_text(payload: str | bytes) -> str:
    return payload.decode("utf-8") if isinstance(payload, bytes | bytearray) else payload


def verify(
    payload: str | bytes, headers: HeadersLike, *, secret: str, tolerance: float, now: float | None = None
) -> None:
    """Raise unless ``payload`` carries a valid signature made with ``secret`` within ``tolerance`` s
    of ``now`` (default: the wall clock). ``ValueError`` for missing headers,
    :class:`InvalidWebhookSignatureError` for a bad timestamp or signature."""
    signature_header = _header(headers, "webhook-signature")
    timestamp = _header(headers, "webhook-timestamp")
    webhook_id = _header(headers, "webhook-id")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise InvalidWebhookSignatureError("Invalid webhook timestamp format") from None
    current = int(time.time() if now is None else now)
    if current - sent_at > tolerance:
        raise InvalidWebhookSignatureError("Webhook timestamp is too old")
    if sent_at > current + tolerance:
        raise InvalidWebhookSignatureError("Webhook timestamp is too new")
    signed = f"{webhook_id}.{timestamp}.{_body_text(payload)}".encode()
    digest = hmac.new(_secret_bytes(secret), signed, hashlib.sha256).digest()
    expected = base64.b64encode(digest).decode("ascii")
    for entry in signature_header.split(" "):
        candidate = entry.removeprefix(_SIGNATURE_PREFIX)
        if hmac.compare_digest(expected.encode("ascii"), candidate.encode("utf-8", "replace")):
            return
    raise InvalidWebhookSignatureError("The given webhook signature does not match the expected signature")


def sign(payload: str | bytes, *, secret: str, webhook_id: str, timestamp: int) -> str:
    """The ``webhook-signature`` value OpenAI would send (``v1,<base64>``): for tests of your own
    webhook endpoint."""
    signed = f"{webhook_id}.{timestamp}.{_body_text(payload)}".encode()
    digest = hmac.new(_secret_bytes(secret), signed, hashlib.sha256).digest()
    return _SIGNATURE_PREFIX + base64.b64encode(digest).decode("ascii")


class AsyncWebhooks(AsyncAPIResource):
    """``client.webhooks``: verify and decode webhook requests (no I/O, so plain methods)."""

    __slots__ = ("__dict__",)

    def _secret(self, secret: str | None) -> str:
        if secret is None:
            secret = self._client.webhook_secret
        if secret is None:
            raise ValueError(
                "No webhook secret: pass secret=..., create the client with webhook_secret=..., or set "
                "the OPENAI_WEBHOOK_SECRET environment variable"
            )
        return secret

    def verify_signature(
        self,
        payload: str | bytes,
        headers: HeadersLike,
        *,
        secret: str | None = None,
        tolerance: int = DEFAULT_TOLERANCE,
    ) -> None:
        """Check that the request body ``payload`` with these ``headers`` was signed by OpenAI no more
        than ``tolerance`` seconds ago (either way). ``secret`` defaults to the client's
        ``webhook_secret`` (``OPENAI_WEBHOOK_SECRET``).

        Raises :class:`InvalidWebhookSignatureError` (a ``ValueError``) for a bad signature or
        timestamp, ``ValueError`` for a missing header or secret."""
        verify(payload, headers, secret=self._secret(secret), tolerance=tolerance)

    def unwrap(
        self, payload: str | bytes, headers: HeadersLike, *, secret: str | None = None
    ) -> UnwrapWebhookEvent:
        """Verify the request (:meth:`verify_signature`, default tolerance), then decode its event.

        An event type this version does not know decodes as ``UnknownVariant`` (``type`` and the
        ``raw`` dict), never as an error."""
        from ..types import UnwrapWebhookEvent

        self.verify_signature(payload, headers, secret=secret)
        event: UnwrapWebhookEvent = decode_json(payload, UnwrapWebhookEvent)
        return event


class Webhooks(SyncAPIResource[AsyncWebhooks]):
    """``OpenAI().webhooks``: the same checks as :class:`AsyncWebhooks` (it does no I/O, so nothing
    goes through the portal)."""

    def verify_signature(
        self,
        payload: str | bytes,
        headers: HeadersLike,
        *,
        secret: str | None = None,
        tolerance: int = DEFAULT_TOLERANCE,
    ) -> None:
        """See :meth:`AsyncWebhooks.verify_signature`."""
        self._async.verify_signature(payload, headers, secret=secret, tolerance=tolerance)

    def unwrap(
        self, payload: str | bytes, headers: HeadersLike, *, secret: str | None = None
    ) -> UnwrapWebhookEvent:
        """See :meth:`AsyncWebhooks.unwrap`."""
        return self._async.unwrap(payload, headers, secret=secret)
