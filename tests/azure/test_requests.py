"""What an Azure client sends (over MockTransport): the deployment paths of each endpoint (the official
client's routing, recorded from it), ``api-version`` on every request, the ``api-key`` header or a bearer
token asked again on every attempt, the ``/openai/v1`` style, and ``with_options`` keeping it all."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import trio
import trio.testing

from trio_openai import AsyncAzureOpenAI, InternalServerError, omit
from trio_openai.lib.azure import MutuallyExclusiveAuthError
from trio_openai.testing import MockResponse

from ._support import ENDPOINT, VERSION, Recorder, auth_headers

Call = Callable[[AsyncAzureOpenAI], Awaitable[Any]]

# (name, call, path the official client sends it to, whether that path is per deployment)
ENDPOINTS: list[tuple[str, Call, str, bool]] = [
    (
        "chat",
        lambda c: c.chat.completions.with_raw_response.create(
            model="m1", messages=[{"role": "user", "content": "x"}]
        ),
        "/chat/completions",
        True,
    ),
    (
        "completions",
        lambda c: c.completions.with_raw_response.create(model="m1", prompt="x"),
        "/completions",
        True,
    ),
    (
        "embeddings",
        lambda c: c.embeddings.with_raw_response.create(model="m1", input="x"),
        "/embeddings",
        True,
    ),
    (
        "transcriptions",
        lambda c: c.audio.transcriptions.with_raw_response.create(model="m1", file=("a.wav", b"x")),
        "/audio/transcriptions",
        True,
    ),
    (
        "translations",
        lambda c: c.audio.translations.with_raw_response.create(model="m1", file=("a.wav", b"x")),
        "/audio/translations",
        True,
    ),
    (
        "speech",
        lambda c: c.audio.speech.with_raw_response.create(model="m1", input="x", voice="alloy"),
        "/audio/speech",
        True,
    ),
    (
        "image generation",
        lambda c: c.images.with_raw_response.generate(model="m1", prompt="x"),
        "/images/generations",
        True,
    ),
    (
        "image edit",
        lambda c: c.images.with_raw_response.edit(model="m1", prompt="x", image=("a.png", b"x")),
        "/images/edits",
        True,
    ),
    (
        "image variation",
        lambda c: c.images.with_raw_response.create_variation(model="m1", image=("a.png", b"x")),
        "/images/variations",
        False,
    ),
    (
        "batches",
        lambda c: c.batches.with_raw_response.create(
            input_file_id="f", endpoint="/v1/chat/completions", completion_window="24h"
        ),
        "/batches",
        False,
    ),
    ("models", lambda c: c.models.with_raw_response.retrieve("m1"), "/models/m1", False),
    ("files", lambda c: c.files.with_raw_response.retrieve("file-1"), "/files/file-1", False),
    ("responses", lambda c: c.responses.with_raw_response.create(model="m1", input="x"), "/responses", False),
    (
        "moderations",
        lambda c: c.moderations.with_raw_response.create(model="m1", input="x"),
        "/moderations",
        False,
    ),
]
IDS = [e[0] for e in ENDPOINTS]


async def _send(client: AsyncAzureOpenAI, rec: Recorder, call: Call) -> str:
    with warnings.catch_warnings(), trio.fail_after(5):
        warnings.simplefilter("ignore", DeprecationWarning)  # translations, image variations
        await call(client)
    return rec.last.url


def _client(rec: Recorder, **options: Any) -> AsyncAzureOpenAI:
    options.setdefault("api_key", "azure-key")
    return AsyncAzureOpenAI(transport=rec.transport, **options)


@pytest.mark.parametrize(("name", "call", "path", "per_deployment"), ENDPOINTS, ids=IDS)
async def test_routing_with_the_model_as_deployment(
    name: str, call: Call, path: str, per_deployment: bool
) -> None:
    rec = Recorder()
    client = _client(rec, azure_endpoint=ENDPOINT, api_version=VERSION)
    url = await _send(client, rec, call)
    prefix = "/openai/deployments/m1" if per_deployment else "/openai"
    assert url == f"{ENDPOINT}{prefix}{path}?api-version={VERSION}"
    assert auth_headers(rec.last) == {"api-key": "azure-key"}


@pytest.mark.parametrize(("name", "call", "path", "per_deployment"), ENDPOINTS, ids=IDS)
async def test_routing_with_azure_deployment(name: str, call: Call, path: str, per_deployment: bool) -> None:
    rec = Recorder()
    client = _client(rec, azure_endpoint=ENDPOINT + "/", azure_deployment="dep", api_version=VERSION)
    url = await _send(client, rec, call)
    prefix = "/openai/deployments/dep" if per_deployment else "/openai"
    assert url == f"{ENDPOINT}{prefix}{path}?api-version={VERSION}"


@pytest.mark.parametrize(("name", "call", "path", "per_deployment"), ENDPOINTS, ids=IDS)
async def test_routing_under_a_deployment_base_url(
    name: str, call: Call, path: str, per_deployment: bool
) -> None:
    rec = Recorder()
    client = _client(rec, base_url=f"{ENDPOINT}/openai/deployments/bdep", api_version=VERSION)
    url = await _send(client, rec, call)
    assert url == f"{ENDPOINT}/openai/deployments/bdep{path}?api-version={VERSION}"


@pytest.mark.parametrize(("name", "call", "path", "per_deployment"), ENDPOINTS, ids=IDS)
async def test_v1_style_sends_paths_unchanged(name: str, call: Call, path: str, per_deployment: bool) -> None:
    rec = Recorder()
    url = await _send(_client(rec, azure_endpoint=f"{ENDPOINT}/openai/v1"), rec, call)
    assert url == f"{ENDPOINT}/openai/v1{path}"
    url = await _send(_client(rec, base_url=f"{ENDPOINT}/openai/v1/", api_version="preview"), rec, call)
    assert url == f"{ENDPOINT}/openai/v1{path}?api-version=preview"


async def test_a_deployment_name_is_escaped_in_the_path() -> None:
    rec = Recorder()
    client = _client(rec, azure_endpoint=ENDPOINT, api_version=VERSION)
    with trio.fail_after(5):
        await client.chat.completions.create(model="my model/1", messages=[{"role": "user", "content": "x"}])
    assert rec.last.path == "/openai/deployments/my model/1/chat/completions"
    assert "/deployments/my%20model%2F1/chat" in rec.last.url


async def test_api_version_on_every_page_and_with_the_callers_query() -> None:
    page1 = {
        "object": "list",
        "data": [
            {
                "id": "file-1",
                "object": "file",
                "bytes": 1,
                "created_at": 1,
                "filename": "a",
                "purpose": "batch",
                "status": "processed",
            }
        ],
        "has_more": True,
    }
    page2 = {**page1, "data": [{**page1["data"][0], "id": "file-2"}], "has_more": False}
    rec = Recorder(MockResponse(200, json=page1), MockResponse(200, json=page2))
    client = _client(rec, azure_endpoint=ENDPOINT, api_version=VERSION, default_query={"tenant": "t1"})
    with trio.fail_after(5):
        ids = [f.id async for f in client.files.list(purpose="batch")]
    assert ids == ["file-1", "file-2"]
    assert [r.query["api-version"] for r in rec.requests] == [[VERSION], [VERSION]]
    assert rec.requests[1].query["after"] == ["file-1"]
    assert all(r.query["tenant"] == ["t1"] for r in rec.requests)


async def test_the_key_goes_in_api_key_never_in_authorization() -> None:
    rec = Recorder()
    client = _client(rec, azure_endpoint=ENDPOINT, api_version=VERSION)
    with trio.fail_after(5):
        await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert auth_headers(rec.last) == {"api-key": "azure-key"}
    assert "Bearer" not in str(rec.last.headers)


async def test_a_caller_supplied_api_key_header_wins() -> None:
    rec = Recorder()
    client = _client(rec, azure_endpoint=ENDPOINT, api_version=VERSION)
    with trio.fail_after(5):
        await client.models.with_raw_response.retrieve("m", extra_headers={"api-key": "per-call"})
    assert auth_headers(rec.last) == {"api-key": "per-call"}


async def test_static_token_is_a_bearer_header() -> None:
    rec = Recorder()
    client = AsyncAzureOpenAI(
        azure_endpoint=ENDPOINT, api_version=VERSION, azure_ad_token="entra-token", transport=rec.transport
    )
    assert client.api_key == ""
    with trio.fail_after(5):
        await client.models.with_raw_response.retrieve("m")
    assert auth_headers(rec.last) == {"authorization": "Bearer entra-token"}


async def test_token_provider_is_asked_on_every_attempt(autojump_clock: trio.testing.MockClock) -> None:
    tokens = iter(["t1", "t2", "t3"])
    asked: list[str] = []

    def provider() -> str:
        token = next(tokens)
        asked.append(token)
        return token

    rec = Recorder(MockResponse(500, json={"error": {"message": "busy"}}))
    client = AsyncAzureOpenAI(
        azure_endpoint=ENDPOINT,
        api_version=VERSION,
        azure_ad_token_provider=provider,
        transport=rec.transport,
    )
    with trio.fail_after(60):
        await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
        assert asked == ["t1", "t2"]  # the retry after the 500 asked again
        await client.models.with_raw_response.retrieve("m")
    assert asked == ["t1", "t2", "t3"]
    assert [auth_headers(r) for r in rec.requests] == [
        {"authorization": "Bearer t1"},
        {"authorization": "Bearer t2"},
        {"authorization": "Bearer t3"},
    ]


async def test_async_token_provider_is_awaited(autojump_clock: trio.testing.MockClock) -> None:
    calls = 0

    async def provider() -> str:
        nonlocal calls
        calls += 1
        await trio.sleep(1)  # e.g. a token endpoint
        return f"async-{calls}"

    rec = Recorder(MockResponse(503, json={"error": {"message": "busy"}}))
    client = AsyncAzureOpenAI(
        azure_endpoint=ENDPOINT,
        api_version=VERSION,
        azure_ad_token_provider=provider,
        transport=rec.transport,
    )
    with trio.fail_after(60):
        await client.models.with_raw_response.retrieve("m")
    assert calls == 2
    assert auth_headers(rec.requests[-1]) == {"authorization": "Bearer async-2"}


async def test_key_provider_sends_api_key_on_every_attempt(autojump_clock: trio.testing.MockClock) -> None:
    keys = iter(["k1", "k2"])
    rec = Recorder(MockResponse(500, json={"error": {"message": "busy"}}))
    client = AsyncAzureOpenAI(
        azure_endpoint=ENDPOINT, api_version=VERSION, api_key=lambda: next(keys), transport=rec.transport
    )
    with trio.fail_after(60):
        await client.models.with_raw_response.retrieve("m")
    assert [auth_headers(r) for r in rec.requests] == [{"api-key": "k1"}, {"api-key": "k2"}]


@pytest.mark.parametrize("bad", ["", None, 42])
async def test_a_provider_returning_no_token_fails_before_io(bad: object) -> None:
    rec = Recorder()
    client = AsyncAzureOpenAI(
        azure_endpoint=ENDPOINT,
        api_version=VERSION,
        azure_ad_token_provider=lambda: bad,
        transport=rec.transport,  # type: ignore[arg-type,return-value]
    )
    with trio.fail_after(5), pytest.raises(ValueError, match="azure_ad_token_provider"):
        await client.models.retrieve("m")
    assert rec.requests == []


async def test_provider_errors_propagate_and_no_request_is_sent() -> None:
    def provider() -> str:
        raise RuntimeError("token endpoint unreachable")

    rec = Recorder()
    client = AsyncAzureOpenAI(
        azure_endpoint=ENDPOINT,
        api_version=VERSION,
        azure_ad_token_provider=provider,
        transport=rec.transport,
    )
    with trio.fail_after(5), pytest.raises(RuntimeError, match="unreachable"):
        await client.models.retrieve("m")
    assert rec.requests == []


async def test_with_options_keeps_the_azure_settings() -> None:
    rec = Recorder()
    client = _client(rec, azure_endpoint=ENDPOINT, azure_deployment="dep", api_version=VERSION)
    for copy in (client.with_options(timeout=5), client.copy(max_retries=0)):
        assert isinstance(copy, AsyncAzureOpenAI)
        assert copy.base_url == client.base_url
        assert (copy.api_version, copy.azure_deployment, copy.azure_endpoint) == (VERSION, "dep", ENDPOINT)
        with trio.fail_after(5):
            await copy.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
            await copy.models.with_raw_response.retrieve("m")
        chat, model = rec.requests[-2:]
        assert chat.url == f"{ENDPOINT}/openai/deployments/dep/chat/completions?api-version={VERSION}"
        assert model.url == f"{ENDPOINT}/openai/models/m?api-version={VERSION}"
        assert auth_headers(chat) == auth_headers(model) == {"api-key": "azure-key"}


async def test_with_options_changes_azure_settings() -> None:
    rec = Recorder()
    client = _client(rec, azure_endpoint=ENDPOINT, api_version=VERSION, default_query={"x": "1"})
    newer = client.with_options(api_version="2025-04-01-preview", azure_ad_token="tok")
    assert newer.api_version == "2025-04-01-preview"
    with trio.fail_after(5):
        await newer.models.with_raw_response.retrieve("m")
    assert rec.last.query == {"x": ["1"], "api-version": ["2025-04-01-preview"]}
    assert auth_headers(rec.last) == {"authorization": "Bearer tok"}
    reset = client.with_options(set_default_query={"y": "2"})
    with trio.fail_after(5):
        await reset.models.with_raw_response.retrieve("m")
    assert rec.last.query == {"y": ["2"], "api-version": [VERSION]}  # the api-version survives a reset
    moved = client.with_options(base_url=f"{ENDPOINT}/openai/deployments/other")
    with trio.fail_after(5):
        await moved.models.with_raw_response.retrieve("m")
    assert rec.last.url == f"{ENDPOINT}/openai/deployments/other/models/m?x=1&api-version={VERSION}"
    # the original is unchanged
    with trio.fail_after(5):
        await client.models.with_raw_response.retrieve("m")
    assert auth_headers(rec.last) == {"api-key": "azure-key"}
    assert rec.last.query == {"x": ["1"], "api-version": [VERSION]}
    with pytest.raises(MutuallyExclusiveAuthError):
        client.with_options(api_key="a", azure_ad_token="b")


async def test_default_headers_can_drop_the_idempotency_key_without_touching_auth() -> None:
    rec = Recorder()
    client = _client(
        rec,
        azure_endpoint=ENDPOINT,
        api_version=VERSION,
        default_headers={"Idempotency-Key": omit, "X-Team": "a"},
    )
    with trio.fail_after(5):
        await client.models.with_raw_response.retrieve("m")
    assert rec.last.headers["X-Team"] == "a"
    assert auth_headers(rec.last) == {"api-key": "azure-key"}


async def test_retries_and_errors_are_the_ordinary_clients(autojump_clock: trio.testing.MockClock) -> None:
    rec = Recorder(*[MockResponse(500, json={"error": {"message": "down"}}) for _ in range(3)])
    client = _client(rec, azure_endpoint=ENDPOINT, api_version=VERSION, max_retries=2)
    with trio.fail_after(60), pytest.raises(InternalServerError):
        await client.models.retrieve("m")
    assert len(rec.requests) == 3
    assert client.statistics().in_flight == 0


def test_the_token_provider_is_not_asked_at_construction() -> None:
    asked = threading.Event()
    AsyncAzureOpenAI(
        azure_endpoint=ENDPOINT, api_version=VERSION, azure_ad_token_provider=lambda: asked.set() or "t"
    )  # type: ignore[func-returns-value]
    assert not asked.is_set()


async def test_omitting_the_credential_header_sends_none() -> None:
    # As the official Azure client: omitting ``api-key`` sends no credential; omitting
    # ``Authorization`` does not touch the api-key; with a token, ``Authorization`` is the credential.
    rec = Recorder()
    client = _client(rec, azure_endpoint=ENDPOINT, api_version=VERSION)
    tokens = _client(rec, azure_endpoint=ENDPOINT, api_version=VERSION, api_key=None, azure_ad_token="tok")
    with trio.fail_after(5):
        await client.models.with_raw_response.retrieve("m", extra_headers={"api-key": omit})
        await client.models.with_raw_response.retrieve("m", extra_headers={"Authorization": omit})
        await tokens.models.with_raw_response.retrieve("m", extra_headers={"Authorization": omit})
        await tokens.models.with_raw_response.retrieve("m")
    assert [auth_headers(r) for r in rec.requests] == [
        {},
        {"api-key": "azure-key"},
        {},
        {"authorization": "Bearer tok"},
    ]
