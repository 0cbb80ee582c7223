"""Azure clients against the fake server, which answers the Azure URL shapes: the resources and helpers
(streams, parse, pages) work unchanged, the server checks ``api-version`` and the credential as Azure
does, cancellation leaves the client healthy, and no key or token shows in any error."""

from __future__ import annotations

import msgspec
import pytest
import trio

from trio_openai import (
    AsyncAzureOpenAI,
    AsyncOpenAI,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    RateLimitError,
)
from trio_openai.testing import FakeServer, Reply, open_fake_server

from ._support import VERSION

TIMEOUT = 10
HELLO = [{"role": "user", "content": "hello"}]


def _azure(server: FakeServer, **options: object) -> AsyncAzureOpenAI:
    if "azure_ad_token" not in options:
        options.setdefault("api_key", "azure-key")
    options.setdefault("api_version", VERSION)
    return AsyncAzureOpenAI(azure_endpoint=server.azure_endpoint, max_retries=0, **options)  # type: ignore[arg-type]


async def test_chat_embeddings_and_models_under_the_azure_paths() -> None:
    async with open_fake_server() as server, _azure(server) as client:
        with trio.fail_after(TIMEOUT):
            completion = await client.chat.completions.create(model="gpt-4o", messages=HELLO)  # type: ignore[arg-type]
            embedding = await client.embeddings.create(
                model="text-embedding-3-small", input="x", dimensions=4
            )
            models = [m.id async for m in client.models.list()]
        assert completion.choices[0].message.content == "Echo: hello"
        assert len(embedding.data[0].embedding) == 4
        assert "gpt-4o" in models
        paths = [r.path for r in server.requests]
        assert paths == [
            "/openai/deployments/gpt-4o/chat/completions",
            "/openai/deployments/text-embedding-3-small/embeddings",
            "/openai/models",
        ]
        assert all(r.query["api-version"] == [VERSION] for r in server.requests)
        assert all(r.headers["api-key"] == "azure-key" for r in server.requests)
        assert len(server.requests_to("POST", "/chat/completions")) == 1  # scripts and lookups see /v1 paths


async def test_streams_parse_and_pages() -> None:
    class Person(msgspec.Struct):
        name: str
        age: int

    async with open_fake_server(files=45) as server, _azure(server, azure_deployment="gpt-4o") as client:
        with trio.fail_after(TIMEOUT):
            stream = await client.chat.completions.create(model="gpt-4o", messages=HELLO, stream=True)  # type: ignore[arg-type]
            async with stream:
                text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
            async with client.chat.completions.stream(model="gpt-4o", messages=HELLO) as events:  # type: ignore[arg-type]
                final = await events.get_final_completion()
            parsed = await client.chat.completions.parse(
                model="gpt-4o", messages=HELLO, response_format=Person
            )  # type: ignore[arg-type]
            async with client.responses.stream(model="gpt-4o", input="hello") as rstream:
                response = await rstream.get_final_response()
            files = [f.id async for f in client.files.list(limit=20)]
        assert text == "Echo: hello"
        assert final.choices[0].message.content == "Echo: hello"
        person = parsed.choices[0].message.parsed
        assert isinstance(person, Person)
        assert response.output_text == "Echo: hello"
        assert len(files) == 45
        file_pages = [r for r in server.requests if r.path == "/openai/files"]
        assert len(file_pages) == 3
        assert all(r.query["api-version"] == [VERSION] for r in file_pages)
        assert {r.path for r in server.requests} == {
            "/openai/deployments/gpt-4o/chat/completions",
            "/openai/responses",
            "/openai/files",
        }


async def test_scripted_replies_apply_to_azure_requests() -> None:
    async with open_fake_server() as server, _azure(server) as client:
        server.script("POST", "/chat/completions", Reply.error(429, "slow down"))
        with trio.fail_after(TIMEOUT), pytest.raises(RateLimitError):
            await client.chat.completions.create(model="gpt-4o", messages=HELLO)  # type: ignore[arg-type]


async def test_v1_style_against_the_fake_server() -> None:
    async with open_fake_server() as server:
        client = AsyncAzureOpenAI(azure_endpoint=server.azure_endpoint + "/openai/v1", azure_ad_token="tok")
        async with client:
            with trio.fail_after(TIMEOUT):
                completion = await client.chat.completions.create(model="gpt-4o", messages=HELLO)  # type: ignore[arg-type]
        assert completion.choices[0].message.content == "Echo: hello"
        request = server.requests[-1]
        assert request.path == "/openai/v1/chat/completions"
        assert request.query == {}
        assert request.headers["authorization"] == "Bearer tok"


async def test_the_fake_server_wants_an_api_version_on_the_classic_paths() -> None:
    async with open_fake_server() as server:
        # a plain client pointed at the Azure paths sends no api-version
        plain = AsyncOpenAI(base_url=server.azure_endpoint + "/openai", api_key="k", max_retries=0)
        async with plain:
            with trio.fail_after(TIMEOUT), pytest.raises(NotFoundError, match="Resource not found"):
                await plain.models.retrieve("gpt-4o")
        bad = _azure(server, api_version="banana")
        async with bad:
            with trio.fail_after(TIMEOUT), pytest.raises(BadRequestError, match="API version not supported"):
                await bad.models.retrieve("gpt-4o")


async def test_the_fake_server_wants_a_credential() -> None:
    async with open_fake_server() as server:
        anonymous = AsyncOpenAI(base_url=server.azure_endpoint + "/openai/v1", api_key="k", max_retries=0)
        async with anonymous:
            with trio.fail_after(TIMEOUT), pytest.raises(AuthenticationError, match="Access denied"):
                await anonymous.models.retrieve("gpt-4o", extra_headers={"Authorization": "Basic x"})


@pytest.mark.parametrize(
    "credential",
    [{"api_key": "azure-secret-key-123"}, {"azure_ad_token": "entra-secret-token-456"}],
)
async def test_no_key_or_token_in_errors(credential: dict[str, str]) -> None:
    secret = next(iter(credential.values()))
    async with (
        open_fake_server(azure_api_key="the-right-key", azure_ad_token="the-right-token") as server,
        _azure(server, **credential) as client,
    ):
        with trio.fail_after(TIMEOUT), pytest.raises(AuthenticationError) as info:
            await client.chat.completions.create(model="gpt-4o", messages=HELLO)  # type: ignore[arg-type]
    error: BaseException | None = info.value
    seen: list[str] = []
    while error is not None:
        seen += [str(error), repr(error), repr(error.args)]
        request = getattr(error, "request", None)
        if request is not None:
            seen.append(repr(request))
            seen.append(repr(getattr(request, "headers", None)))
        response = getattr(error, "response", None)
        if response is not None:
            seen.append(repr(response))
            seen.append(repr(getattr(response, "http_request", None)))
        error = error.__cause__ or error.__context__
    assert info.value.status_code == 401
    assert all(secret not in text for text in seen)


async def test_cancellation_leaves_the_client_healthy() -> None:
    async with open_fake_server() as server, _azure(server) as client:
        server.script("POST", "/chat/completions", Reply(json={}, delay=30))
        with trio.fail_after(TIMEOUT):
            with trio.move_on_after(0.2) as scope:
                await client.chat.completions.create(model="gpt-4o", messages=HELLO)  # type: ignore[arg-type]
            assert scope.cancelled_caught
            stats = client.statistics()
            assert stats.in_flight == 0
            assert stats.pool is not None and stats.pool.active_connections == 0
            completion = await client.chat.completions.create(model="gpt-4o", messages=HELLO)  # type: ignore[arg-type]
        assert completion.choices[0].message.content == "Echo: hello"


async def test_cancelling_a_slow_token_provider_leaves_the_client_healthy() -> None:
    slow = True

    async def provider() -> str:
        if slow:
            await trio.sleep_forever()
        return "tok"

    async with open_fake_server() as server:
        client = AsyncAzureOpenAI(
            azure_endpoint=server.azure_endpoint, api_version=VERSION, azure_ad_token_provider=provider
        )
        async with client:
            with trio.fail_after(TIMEOUT):
                with trio.move_on_after(0.1):
                    await client.models.retrieve("gpt-4o")
                assert server.requests == []
                assert client.statistics().in_flight == 0
                slow = False
                model = await client.models.retrieve("gpt-4o")
        assert model.id == "gpt-4o"
