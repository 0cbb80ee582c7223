"""client.webhooks: signature checks (the official SDK's rules) and decoding into the event union."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest

from trio_openai import AsyncOpenAI, InvalidWebhookSignatureError, OpenAI, OpenAIError
from trio_openai.lib._webhooks import AsyncWebhooks, Webhooks, sign
from trio_openai.types import (
    BatchCompletedWebhookEvent,
    UnknownVariant,
    WebhookBatchCompleted,
    WebhookResponseCompleted,
)

SECRET = "whsec_" + base64.b64encode(b"the shared secret bytes").decode()
PLAIN_SECRET = "a plain secret"
EVENT: dict[str, Any] = {
    "id": "evt_1",
    "object": "event",
    "type": "response.completed",
    "created_at": 1719168000,
    "data": {"id": "resp_1"},
}
BODY = json.dumps(EVENT)


def signature_of(body: str, *, key: bytes, webhook_id: str, timestamp: str) -> str:
    """Written from the rule, independently of the library: base64(HMAC-SHA256(key, id.ts.body))."""
    mac = hmac.new(key, f"{webhook_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def headers_for(
    body: str = BODY, *, key: bytes = b"the shared secret bytes", timestamp: int | None = None, **extra: str
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    out = {
        "webhook-id": "wh_1",
        "webhook-timestamp": ts,
        "webhook-signature": "v1," + signature_of(body, key=key, webhook_id="wh_1", timestamp=ts),
    }
    out.update(extra)
    return out


def client(**kwargs: Any) -> AsyncOpenAI:
    return AsyncOpenAI(api_key="sk-test", base_url="http://api.test/v1", **kwargs)


def test_a_valid_signature_passes_on_both_clients() -> None:
    headers = headers_for()
    client(webhook_secret=SECRET).webhooks.verify_signature(BODY, headers)
    with OpenAI(api_key="sk-test", webhook_secret=SECRET) as sync_client:
        assert isinstance(sync_client.webhooks, Webhooks)
        sync_client.webhooks.verify_signature(BODY, headers)
        sync_client.webhooks.verify_signature(BODY.encode(), headers)  # bytes bodies too
    assert isinstance(client().webhooks, AsyncWebhooks)


def test_the_library_signs_like_the_rule() -> None:
    now = int(time.time())
    expected = signature_of(BODY, key=b"the shared secret bytes", webhook_id="wh_1", timestamp=str(now))
    assert sign(BODY, secret=SECRET, webhook_id="wh_1", timestamp=now) == "v1," + expected


def test_a_plain_secret_is_used_as_utf8_bytes() -> None:
    headers = headers_for(key=PLAIN_SECRET.encode())
    client().webhooks.verify_signature(BODY, headers, secret=PLAIN_SECRET)
    with pytest.raises(InvalidWebhookSignatureError):  # the whsec_ one is a different key
        client().webhooks.verify_signature(BODY, headers, secret=SECRET)


def test_whsec_secret_is_base64_after_the_prefix() -> None:
    raw_key = bytes(range(32))
    secret = "whsec_" + base64.b64encode(raw_key).decode()
    client(webhook_secret=secret).webhooks.verify_signature(BODY, headers_for(key=raw_key))
    with pytest.raises(InvalidWebhookSignatureError):  # the prefix is not part of the key
        client(webhook_secret=secret).webhooks.verify_signature(BODY, headers_for(key=secret.encode()))


def tampered(kind: str) -> tuple[dict[str, str], str]:
    headers, body = headers_for(), BODY
    if kind == "other-signature":
        headers["webhook-signature"] = "v1," + base64.b64encode(b"x" * 32).decode()
    elif kind == "body":
        body = body.replace("resp_1", "resp_2")
    elif kind == "id":  # the id is signed too
        headers["webhook-id"] = "wh_2"
    elif kind == "timestamp":  # and so is the timestamp
        headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) - 1)
    elif kind == "truncated":
        headers["webhook-signature"] = headers["webhook-signature"][:-2]
    return headers, body


@pytest.mark.parametrize("kind", ["other-signature", "body", "id", "timestamp", "truncated"])
def test_an_invalid_signature_fails(kind: str) -> None:
    headers, body = tampered(kind)
    with pytest.raises(InvalidWebhookSignatureError, match="does not match") as info:
        client(webhook_secret=SECRET).webhooks.verify_signature(body, headers)
    assert isinstance(info.value, ValueError)
    assert not isinstance(info.value, OpenAIError)


def test_any_of_several_signatures_may_match() -> None:
    good = headers_for()["webhook-signature"]
    other = "v1," + base64.b64encode(b"y" * 32).decode()
    for header in (f"{other} {good}", f"{good} {other}", good.removeprefix("v1,"), f"v1,bogus {good}"):
        headers = {**headers_for(), "webhook-signature": header}
        client(webhook_secret=SECRET).webhooks.verify_signature(BODY, headers)
    with pytest.raises(InvalidWebhookSignatureError):
        headers = {**headers_for(), "webhook-signature": f"{other} v1,{'z' * 44}"}
        client(webhook_secret=SECRET).webhooks.verify_signature(BODY, headers)


def test_timestamp_window() -> None:
    now = int(time.time())
    hooks = client(webhook_secret=SECRET).webhooks
    hooks.verify_signature(BODY, headers_for(timestamp=now - 290))
    hooks.verify_signature(BODY, headers_for(timestamp=now + 290))
    with pytest.raises(InvalidWebhookSignatureError, match="too old"):
        hooks.verify_signature(BODY, headers_for(timestamp=now - 400))
    with pytest.raises(InvalidWebhookSignatureError, match="too new"):
        hooks.verify_signature(BODY, headers_for(timestamp=now + 400))
    hooks.verify_signature(BODY, headers_for(timestamp=now - 400), tolerance=500)
    with pytest.raises(InvalidWebhookSignatureError, match="too old"):
        hooks.verify_signature(BODY, headers_for(timestamp=now - 30), tolerance=10)


@pytest.mark.parametrize("timestamp", ["soon", "1.5", "", "0x10"])
def test_a_timestamp_must_be_an_integer(timestamp: str) -> None:
    headers = {**headers_for(), "webhook-timestamp": timestamp}
    with pytest.raises(InvalidWebhookSignatureError, match="timestamp format"):
        client(webhook_secret=SECRET).webhooks.verify_signature(BODY, headers)


@pytest.mark.parametrize("missing", ["webhook-signature", "webhook-timestamp", "webhook-id"])
def test_missing_headers(missing: str) -> None:
    headers = {k: v for k, v in headers_for().items() if k != missing}
    with pytest.raises(ValueError, match=missing) as info:
        client(webhook_secret=SECRET).webhooks.verify_signature(BODY, headers)
    assert not isinstance(info.value, InvalidWebhookSignatureError)


def test_headers_are_case_insensitive_and_may_be_pairs() -> None:
    headers = {k.upper() if k != "webhook-id" else "Webhook-Id": v for k, v in headers_for().items()}
    hooks = client(webhook_secret=SECRET).webhooks
    hooks.verify_signature(BODY, headers)
    hooks.verify_signature(BODY, list(headers.items()))
    hooks.verify_signature(BODY, [(k.encode(), v.encode()) for k, v in headers.items()])  # ASGI style


def test_secret_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = headers_for()
    monkeypatch.delenv("OPENAI_WEBHOOK_SECRET", raising=False)
    with pytest.raises(ValueError, match="webhook secret"):
        client().webhooks.verify_signature(BODY, headers)
    client().webhooks.verify_signature(BODY, headers, secret=SECRET)  # the argument
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", SECRET)
    client().webhooks.verify_signature(BODY, headers)  # the environment
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", "whsec_" + base64.b64encode(b"wrong").decode())
    client(webhook_secret=SECRET).webhooks.verify_signature(BODY, headers)  # the client beats the env
    with pytest.raises(InvalidWebhookSignatureError):
        client().webhooks.verify_signature(BODY, headers)
    copy = client(webhook_secret="whsec_" + base64.b64encode(b"wrong").decode()).with_options(
        webhook_secret=SECRET
    )
    copy.webhooks.verify_signature(BODY, headers)


def test_unwrap_decodes_the_event() -> None:
    hooks = client(webhook_secret=SECRET).webhooks
    event = hooks.unwrap(BODY, headers_for())
    assert isinstance(event, WebhookResponseCompleted)
    assert event.type == "response.completed"
    assert event.data.id == "resp_1"
    assert event.created_at == 1719168000
    batch_body = json.dumps({**EVENT, "type": "batch.completed", "data": {"id": "batch_1"}})
    with OpenAI(api_key="sk-test", webhook_secret=SECRET) as sync_client:
        batch = sync_client.webhooks.unwrap(batch_body.encode(), headers_for(batch_body))
    assert isinstance(batch, WebhookBatchCompleted)
    assert BatchCompletedWebhookEvent is WebhookBatchCompleted  # the official SDK's name
    assert batch.data.id == "batch_1"


def test_unwrap_keeps_unknown_events() -> None:
    body = json.dumps({**EVENT, "type": "something.new", "data": {"x": [1, 2]}})
    event = client(webhook_secret=SECRET).webhooks.unwrap(body, headers_for(body))
    assert isinstance(event, UnknownVariant)
    assert event.type == "something.new"
    assert event.raw["data"] == {"x": [1, 2]}


def test_unwrap_verifies_first() -> None:
    headers = headers_for()
    with pytest.raises(InvalidWebhookSignatureError):
        client(webhook_secret=SECRET).webhooks.unwrap(BODY.replace("evt_1", "evt_2"), headers)
    with pytest.raises(InvalidWebhookSignatureError, match="too old"):
        client(webhook_secret=SECRET).webhooks.unwrap(BODY, headers_for(timestamp=int(time.time()) - 301 - 5))
