"""Realtime over Azure: the ``wss://<resource>/openai/realtime?api-version=...&deployment=...`` URL, the
``api-key`` header or a bearer token from the provider in the handshake, and whole sessions with the fake
server (async and blocking)."""

from __future__ import annotations

import pytest
import trio

from trio_openai import AsyncAzureOpenAI, AzureOpenAI, OpenAIError, WebSocketConnectionRejectedError
from trio_openai.realtime._handshake import build_handshake
from trio_openai.testing import FakeServerThread, open_fake_server

from ._support import ENDPOINT, VERSION

TIMEOUT = 10


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    return {k.decode().lower(): v.decode() for k, v in raw}


async def test_handshake_url_and_api_key() -> None:
    client = AsyncAzureOpenAI(azure_endpoint=ENDPOINT, api_version=VERSION, api_key="azure-key")
    shake = await build_handshake(client, "/realtime", {"model": "gpt-realtime"})
    assert (
        shake.url
        == f"wss://res.openai.azure.com/openai/realtime?api-version={VERSION}&deployment=gpt-realtime"
    )
    headers = _headers(shake.headers)
    assert headers["api-key"] == "azure-key"
    assert "authorization" not in headers
    assert "azure-key" not in repr(shake)
    assert shake.ssl_context is not None


async def test_the_configured_deployment_wins_over_the_model() -> None:
    client = AsyncAzureOpenAI(
        azure_endpoint=ENDPOINT, azure_deployment="rt-dep", api_version=VERSION, api_key="k"
    )
    shake = await build_handshake(client, "/realtime", {"model": "other"}, extra_query={"x": "1"})
    assert (
        shake.url == f"wss://res.openai.azure.com/openai/realtime?api-version={VERSION}&deployment=rt-dep&x=1"
    )
    no_model = await build_handshake(client, "/realtime", {})
    assert "deployment=rt-dep" in no_model.url


async def test_the_token_provider_is_asked_at_each_connect() -> None:
    tokens = iter(["t1", "t2"])
    client = AsyncAzureOpenAI(
        azure_endpoint=ENDPOINT, api_version=VERSION, azure_ad_token_provider=lambda: next(tokens)
    )
    first = await build_handshake(client, "/realtime", {"model": "m"})
    second = await build_handshake(client, "/realtime", {"model": "m"})
    assert _headers(first.headers)["authorization"] == "Bearer t1"
    assert _headers(second.headers)["authorization"] == "Bearer t2"
    assert "api-key" not in _headers(first.headers)


async def test_base_url_websocket_base_url_and_v1_styles() -> None:
    under = AsyncAzureOpenAI(base_url=f"{ENDPOINT}/openai/deployments/bdep", api_version=VERSION, api_key="k")
    shake = await build_handshake(under, "/realtime", {"model": "m"})
    assert (
        shake.url
        == f"wss://res.openai.azure.com/openai/deployments/bdep/realtime?api-version={VERSION}&deployment=m"
    )
    ws = AsyncAzureOpenAI(
        azure_endpoint=ENDPOINT,
        api_version=VERSION,
        api_key="k",
        websocket_base_url="wss://proxy.example/openai",
    )
    shake = await build_handshake(ws, "/realtime", {"model": "m"})
    assert shake.url == f"wss://proxy.example/openai/realtime?api-version={VERSION}&deployment=m"
    v1 = AsyncAzureOpenAI(azure_endpoint=f"{ENDPOINT}/openai/v1", api_key="k")
    shake = await build_handshake(v1, "/realtime", {"model": "gpt-realtime"})
    assert shake.url == "wss://res.openai.azure.com/openai/v1/realtime?model=gpt-realtime"
    assert _headers(shake.headers)["api-key"] == "k"


async def test_a_model_is_required_without_a_deployment_before_any_io() -> None:
    client = AsyncAzureOpenAI(azure_endpoint="http://127.0.0.1:9", api_version=VERSION, api_key="k")
    with trio.fail_after(TIMEOUT), pytest.raises(OpenAIError, match="model"):
        async with client.realtime.connect():
            pass


async def test_a_session_over_the_fake_server() -> None:
    async with open_fake_server() as server:
        client = AsyncAzureOpenAI(
            azure_endpoint=server.azure_endpoint,
            azure_deployment="gpt-realtime",
            api_version=VERSION,
            api_key="azure-key",
        )
        with trio.fail_after(TIMEOUT):
            async with client, client.realtime.connect(model="ignored") as conn:
                created = await conn.recv()
                assert created.type == "session.created"
                await conn.response.create()
                async for event in conn:
                    if event.type == "response.done":
                        break
        upgrade = server.requests[-1]
        assert upgrade.path == "/openai/realtime"
        assert upgrade.query == {"api-version": [VERSION], "deployment": ["gpt-realtime"]}
        assert upgrade.headers["api-key"] == "azure-key"
        assert "authorization" not in upgrade.headers


async def test_the_fake_server_refuses_a_wrong_key() -> None:
    async with open_fake_server(azure_api_key="right") as server:
        wrong = AsyncAzureOpenAI(
            azure_endpoint=server.azure_endpoint, api_version=VERSION, api_key="azure-wrong-secret"
        )
        with trio.fail_after(TIMEOUT), pytest.raises(WebSocketConnectionRejectedError) as info:
            async with wrong.realtime.connect(model="m"):
                pass
        assert info.value.status_code == 401
        assert "azure-wrong-secret" not in str(info.value)
        right = wrong.with_options(api_key="right")
        with trio.fail_after(TIMEOUT):
            async with right.realtime.connect(model="m") as conn:
                assert (await conn.recv()).type == "session.created"


def test_blocking_realtime_with_a_token_provider() -> None:
    with FakeServerThread(azure_ad_token="entra") as server:
        client = AzureOpenAI(
            azure_endpoint=server.azure_endpoint, api_version=VERSION, azure_ad_token_provider=lambda: "entra"
        )
        with client, client.realtime.connect(model="gpt-realtime") as conn:
            assert conn.recv().type == "session.created"
        upgrade = server.requests[-1]
        assert upgrade.headers["authorization"] == "Bearer entra"
        assert upgrade.query["deployment"] == ["gpt-realtime"]
