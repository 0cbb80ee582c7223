"""The blocking AzureOpenAI against the fake server: resources, streams and pages through the portal, a
blocking token provider asked in a worker thread on every attempt, and ``with_options`` copies."""

from __future__ import annotations

import threading

import pytest

from trio_openai import AuthenticationError, AzureOpenAI
from trio_openai.testing import FakeServerThread, Reply

from ._support import VERSION

HELLO = [{"role": "user", "content": "hello"}]


def test_calls_streams_and_pages() -> None:
    with FakeServerThread(files=30, azure_api_key="azure-key") as server:
        with AzureOpenAI(
            azure_endpoint=server.azure_endpoint, api_version=VERSION, api_key="azure-key"
        ) as client:
            completion = client.chat.completions.create(model="gpt-4o", messages=HELLO)  # type: ignore[arg-type]
            with client.chat.completions.create(model="gpt-4o", messages=HELLO, stream=True) as stream:  # type: ignore[arg-type]
                text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
            files = [f.id for f in client.files.list(limit=20)]
        assert completion.choices[0].message.content == "Echo: hello"
        assert text == "Echo: hello"
        assert len(files) == 30
        requests = server.requests
        assert requests[0].path == "/openai/deployments/gpt-4o/chat/completions"
        assert all(r.query["api-version"] == [VERSION] for r in requests)
        assert all(r.headers["x-stainless-async"] == "false" for r in requests)


def test_a_blocking_token_provider_runs_in_a_worker_thread_on_every_attempt() -> None:
    main = threading.current_thread()
    threads: list[threading.Thread] = []

    def provider() -> str:
        threads.append(threading.current_thread())
        return f"tok-{len(threads)}"

    with FakeServerThread() as server:
        server.script("GET", "/models/gpt-4o", Reply.error(500, "busy"))
        client = AzureOpenAI(
            azure_endpoint=server.azure_endpoint,
            api_version=VERSION,
            azure_ad_token_provider=provider,
            timeout=10,
        )
        with client:
            model = client.with_options(
                retry_policy=client.retry_policy.replace(initial_delay=0.01)
            ).models.retrieve("gpt-4o")
        assert model.id == "gpt-4o"
        assert len(threads) == 2  # asked again for the retry
        assert all(t is not main and "portal" not in t.name.lower() for t in threads)
        assert [r.headers["authorization"] for r in server.requests] == ["Bearer tok-1", "Bearer tok-2"]


def test_with_options_is_an_azure_client_sharing_the_pool() -> None:
    with FakeServerThread(azure_api_key="right", azure_ad_token="entra") as server:
        client = AzureOpenAI(azure_endpoint=server.azure_endpoint, api_version=VERSION, api_key="wrong")
        with client:
            copy = client.with_options(azure_ad_token="entra", timeout=5)
            assert isinstance(copy, AzureOpenAI)
            assert copy.api_version == VERSION and copy.azure_endpoint == server.azure_endpoint
            assert copy.models.retrieve("gpt-4o").id == "gpt-4o"
            with pytest.raises(AuthenticationError):
                client.with_options(max_retries=0).models.retrieve(
                    "gpt-4o"
                )  # the copy's token did not leak back
            assert client.copy(azure_ad_token="entra").embeddings.create(model="e", input="x", dimensions=2)
        assert repr(copy).startswith("<AzureOpenAI base_url=")
