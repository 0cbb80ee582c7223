"""``admin_api_key=`` (``OPENAI_ADMIN_KEY``) as the official SDK has it: the admin endpoints
(``client.admin.organization ...``, marked ``AdminApiKeyAuth`` in the spec) send it as their bearer
token, every other endpoint sends ``api_key``; a client may hold either or both, and a call whose key is
missing fails with a ``TypeError`` before any I/O. The admin key shows in no repr and no error."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
import trio

from tests.core.test_secrets import reachable_secrets
from trio_openai import APIStatusError, AsyncOpenAI, OpenAI, OpenAIError, omit
from trio_openai.testing import MockRequest, MockResponse, MockTransport

KEY = "sk-proj-plain-key-0001"
ADMIN = "sk-admin-secret-key-0002"
USER = {"object": "organization.user", "id": "user_1", "name": "A", "email": "a@x", "role": "owner"}
USER |= {"added_at": 1}


def _transport(seen: list[MockRequest], status: int = 200) -> MockTransport:
    def handler(request: MockRequest) -> MockResponse:
        seen.append(request)
        if status != 200:
            return MockResponse(status, json={"error": {"message": "no", "type": "invalid_request_error"}})
        if "/organization/users/" in request.url:
            return MockResponse(json=USER)
        if "/organization/users" in request.url:
            page = {"object": "list", "data": [USER], "first_id": "user_1", "last_id": "user_1"}
            return MockResponse(json={**page, "has_more": "after=" not in request.url})
        return MockResponse(json={"id": "m", "object": "model", "created": 1, "owned_by": "me"})

    return MockTransport(handler)


def _auth(requests: list[MockRequest]) -> list[str | None]:
    return [r.headers.get("authorization") for r in requests]


@pytest.fixture(autouse=True)
def _no_keys_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)


async def test_admin_endpoints_send_the_admin_key_and_the_others_the_api_key() -> None:
    seen: list[MockRequest] = []
    async with AsyncOpenAI(
        api_key=KEY, admin_api_key=ADMIN, base_url="http://api.test/v1", transport=_transport(seen)
    ) as client:
        with trio.fail_after(10):
            await client.models.retrieve("m")
            users = [u.id async for u in client.admin.organization.users.list(limit=1)]  # two pages
            await client.admin.organization.users.retrieve("user_1")
            raw = await client.admin.organization.users.with_raw_response.retrieve("user_1")
    assert users == ["user_1", "user_1"]
    assert _auth(seen) == [f"Bearer {KEY}"] + [f"Bearer {ADMIN}"] * 4
    assert client.admin_api_key == ADMIN and client.api_key == KEY
    assert raw.http_request.headers["authorization"] == "<redacted>"


async def test_admin_key_from_the_environment_and_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", ADMIN)
    seen: list[MockRequest] = []
    async with AsyncOpenAI(base_url="http://api.test/v1", transport=_transport(seen)) as client:
        assert client.admin_api_key == ADMIN and client.api_key == ""
        with trio.fail_after(10):
            await client.admin.organization.users.retrieve("user_1")
            with pytest.raises(TypeError, match="OPENAI_API_KEY") as caught:
                await client.models.retrieve("m")  # no API key: refused before any I/O
            # the caller's own Authorization header is sent as it is
            await client.models.retrieve("m", extra_headers={"Authorization": "Bearer sk-own"})
    assert ADMIN not in str(caught.value)
    assert _auth(seen) == [f"Bearer {ADMIN}", "Bearer sk-own"]


async def test_admin_endpoint_without_an_admin_key_fails_before_io() -> None:
    seen: list[MockRequest] = []
    async with AsyncOpenAI(api_key=KEY, base_url="http://api.test/v1", transport=_transport(seen)) as client:
        assert client.admin_api_key is None
        with trio.fail_after(10), pytest.raises(TypeError, match="admin_api_key") as caught:
            await client.admin.organization.users.retrieve("user_1")
        with pytest.raises(TypeError, match="OPENAI_ADMIN_KEY"):
            await client.admin.organization.users.list()
    assert seen == [] and KEY not in str(caught.value)


def test_no_key_at_all_is_refused_at_construction() -> None:
    with pytest.raises(OpenAIError, match="OPENAI_ADMIN_KEY"):
        AsyncOpenAI()
    with pytest.raises(OpenAIError, match="admin_api_key"):
        OpenAI()


async def test_with_options_and_copy_keep_or_replace_the_admin_key() -> None:
    seen: list[MockRequest] = []
    async with AsyncOpenAI(
        api_key=KEY, admin_api_key=ADMIN, base_url="http://api.test/v1", transport=_transport(seen)
    ) as client:
        kept = client.with_options(timeout=5)
        other = client.copy(admin_api_key="sk-admin-other")
        added = AsyncOpenAI(api_key=KEY, base_url="http://api.test/v1", transport=_transport(seen))
        added = added.with_options(admin_api_key="sk-admin-added")
        with trio.fail_after(10):
            for c in (kept, other, added):
                await c.admin.organization.users.retrieve("user_1")
    assert kept.admin_api_key == ADMIN and other.admin_api_key == "sk-admin-other"
    assert _auth(seen) == [f"Bearer {ADMIN}", "Bearer sk-admin-other", "Bearer sk-admin-added"]


async def test_admin_key_shows_in_no_repr_and_no_error() -> None:
    seen: list[MockRequest] = []
    async with AsyncOpenAI(
        api_key=KEY, admin_api_key=ADMIN, base_url="http://api.test/v1", transport=_transport(seen, 403)
    ) as client:
        with trio.fail_after(10), pytest.raises(APIStatusError) as caught:
            await client.admin.organization.users.retrieve("user_1", max_retries=0)
        shown = [repr(client), str(client.__dict__.keys()), repr(client._config)]  # pyright: ignore[reportPrivateUsage]
    err = caught.value
    err.__traceback__ = None
    assert all(ADMIN not in text for text in [*shown, str(err), repr(err)])
    assert ADMIN.encode() not in pickle.dumps(err) and reachable_secrets(err, (ADMIN, KEY)) == []


def test_blocking_client_takes_the_admin_key() -> None:
    seen: list[MockRequest] = []
    with OpenAI(
        api_key=KEY, admin_api_key=ADMIN, base_url="http://api.test/v1", transport=_transport(seen)
    ) as client:
        client.models.retrieve("m")
        user: Any = client.admin.organization.users.retrieve("user_1")
        copy = client.with_options(admin_api_key="sk-admin-copy")
        copy.admin.organization.users.retrieve("user_1")
        assert client.admin_api_key == ADMIN and copy.admin_api_key == "sk-admin-copy"
    assert user.id == "user_1"
    assert _auth(seen) == [f"Bearer {KEY}", f"Bearer {ADMIN}", "Bearer sk-admin-copy"]
    with OpenAI(api_key=KEY, base_url="http://api.test/v1", transport=_transport(seen)) as plain:
        with pytest.raises(TypeError, match="admin_api_key"):
            plain.admin.organization.users.retrieve("user_1")


async def test_omitting_authorization_sends_no_credentials_at_all() -> None:
    # As the official SDK: an explicit ``{"Authorization": omit}`` sends the request bare, and lets an
    # admin call through on a client with no admin key (the caller authenticates some other way).
    seen: list[MockRequest] = []
    no_auth: dict[str, Any] = {"Authorization": omit}
    async with AsyncOpenAI(api_key=KEY, base_url="http://api.test/v1", transport=_transport(seen)) as client:
        with trio.fail_after(10):
            await client.models.retrieve("m", extra_headers=no_auth)
            await client.admin.organization.users.retrieve("user_1", extra_headers={"authorization": omit})
            await client.models.retrieve("m")
    assert _auth(seen) == [None, None, f"Bearer {KEY}"]


def test_blocking_omitting_authorization_sends_no_credentials() -> None:
    seen: list[MockRequest] = []
    no_auth: dict[str, Any] = {"Authorization": omit}
    with OpenAI(admin_api_key=ADMIN, base_url="http://api.test/v1", transport=_transport(seen)) as blocking:
        blocking.admin.organization.users.retrieve("user_1", extra_headers=no_auth)
        blocking.models.retrieve("m", extra_headers=no_auth)  # no API key, but none is sent: allowed
    assert _auth(seen) == [None, None]
