"""The module-level client (``trio_openai.api_key = ...; trio_openai.chat.completions.create(...)``),
each case in a fresh interpreter (the module's settings are process-wide), against a fake server
thread, under `trio.fail_after`."""

from __future__ import annotations

import os
import sys
import textwrap

import trio

SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    t0 = time.perf_counter()
    import trio_openai
    from trio_openai.testing import FakeServerThread

    assert "trio_openai._module_client" not in sys.modules  # nothing built at import
    with FakeServerThread() as server:
        trio_openai.base_url = server.base_url
        trio_openai.api_key = "sk-module"
        trio_openai.max_retries = 0
        done = trio_openai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        assert type(done).__name__ == "ChatCompletion", done
        first = trio_openai._module_client.load_client()
        assert first.api_key == "sk-module"
        assert trio_openai._module_client.load_client() is first  # built once
        trio_openai.api_key = "sk-other"
        again = trio_openai.models.list()
        second = trio_openai._module_client.load_client()
        assert second is not first and first.is_closed() and second.api_key == "sk-other"
        assert list(again.data) is not None
        try:
            trio_openai.chat.completions.create(model="m", messages=[], temprature=1)
        except TypeError as exc:
            assert "Completions.create() got an unexpected keyword argument 'temprature'" == str(exc), exc
        else:
            raise AssertionError("no TypeError")
    # from the environment when the attribute is None
    trio_openai.api_key = None
    assert trio_openai._module_client.load_client().api_key == os.environ["OPENAI_API_KEY"]
    print("ok")
    """
)


async def test_module_client_from_attributes_and_environment() -> None:
    env = {**os.environ, "OPENAI_API_KEY": "sk-from-env"}
    env.pop("OPENAI_BASE_URL", None)
    with trio.fail_after(60):
        done = await trio.run_process(
            [sys.executable, "-c", SCRIPT], env=env, capture_stdout=True, capture_stderr=True, check=False
        )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "ok"


ENV_SCRIPT = textwrap.dedent(
    """
    import os
    import trio_openai
    from trio_openai.testing import FakeServerThread

    with FakeServerThread() as server:
        trio_openai.base_url = server.base_url
        trio_openai.max_retries = 0
        trio_openai.models.list()
        first = trio_openai._module_client.load_client()
        assert first.api_key == "sk-env-1"
        # As the official module client: the environment is read when the client is built, and a
        # change to it after first use is not noticed (the same client, the old key).
        os.environ["OPENAI_API_KEY"] = "sk-env-2"
        os.environ["OPENAI_ORG_ID"] = "org-later"
        trio_openai.models.list()
        assert trio_openai._module_client.load_client() is first
        assert first.api_key == "sk-env-1" and first.organization is None
        seen = [r.headers.get("authorization") for r in server.requests]
        assert seen == ["Bearer sk-env-1"] * 2, seen
    print("ok")
    """
)


async def test_environment_changes_after_first_use_are_not_noticed() -> None:
    env = {**os.environ, "OPENAI_API_KEY": "sk-env-1"}
    for name in ("OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_API_TYPE", "AZURE_OPENAI_ENDPOINT"):
        env.pop(name, None)
    with trio.fail_after(60):
        done = await trio.run_process(
            [sys.executable, "-c", ENV_SCRIPT], env=env, capture_stdout=True, capture_stderr=True, check=False
        )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "ok"


def test_unknown_module_attribute_is_an_attribute_error() -> None:
    import pytest

    import trio_openai

    with pytest.raises(AttributeError, match="no_such_thing"):
        trio_openai.no_such_thing  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(trio_openai, "_private_name")


AZURE_SCRIPT = textwrap.dedent(
    """
    import os
    import trio_openai
    from trio_openai import AzureOpenAI, OpenAI
    from trio_openai._module_client import AmbiguousModuleClientUsageError, load_client
    from trio_openai.testing import FakeServerThread

    HELLO = [{"role": "user", "content": "hello"}]
    with FakeServerThread(azure_api_key="azure-key", azure_ad_token="entra") as server:
        # 1. the official module globals: api_type, azure_endpoint, api_version, api_key
        trio_openai.api_type = "azure"
        trio_openai.azure_endpoint = server.azure_endpoint
        trio_openai.api_version = "2024-10-21"
        trio_openai.api_key = "azure-key"
        trio_openai.max_retries = 0
        done = trio_openai.chat.completions.create(model="gpt-4o", messages=HELLO)
        assert done.choices[0].message.content == "Echo: hello", done
        client = load_client()
        assert isinstance(client, AzureOpenAI), type(client)
        last = server.requests[-1]
        assert last.path == "/openai/deployments/gpt-4o/chat/completions", last.path
        assert last.query["api-version"] == ["2024-10-21"] and last.headers["api-key"] == "azure-key"
        # 2. a token (azure_ad_token), then a token provider: each rebuilds the client
        trio_openai.api_key = None
        trio_openai.azure_ad_token = "entra"
        trio_openai.models.list()
        assert server.requests[-1].headers["authorization"] == "Bearer entra"
        trio_openai.azure_ad_token = None
        asked = []
        trio_openai.azure_ad_token_provider = lambda: asked.append(1) or "entra"
        trio_openai.models.list()
        assert asked and server.requests[-1].headers["authorization"] == "Bearer entra"
        trio_openai.azure_ad_token_provider = None
        # 3. no api_type: the environment's Azure settings alone make it Azure
        trio_openai.api_type = None
        trio_openai.azure_endpoint = None
        trio_openai.api_version = None
        os.environ["AZURE_OPENAI_ENDPOINT"] = server.azure_endpoint
        os.environ["AZURE_OPENAI_API_KEY"] = "azure-key"
        os.environ["OPENAI_API_VERSION"] = "2024-10-21"
        trio_openai.models.list()
        assert isinstance(load_client(), AzureOpenAI)
        assert server.requests[-1].path == "/openai/models", server.requests[-1].path
        # 4. OpenAI and Azure credentials both there, no api_type: ambiguous, as officially
        os.environ["OPENAI_API_KEY"] = "sk-openai"
        trio_openai.timeout = 30  # a changed setting: the client is built again (the environment is read)
        try:
            load_client()
        except AmbiguousModuleClientUsageError as exc:
            assert "api_type" in str(exc) and "sk-openai" not in str(exc) and "azure-key" not in str(exc)
        else:
            raise AssertionError("not ambiguous")
        # 5. api_type = "openai" settles it: a plain OpenAI client (admin_api_key passed on)
        trio_openai.api_type = "openai"
        trio_openai.base_url = server.base_url
        trio_openai.admin_api_key = "sk-admin-module"
        trio_openai.models.list()
        plain = load_client()
        assert type(plain) is OpenAI and plain.admin_api_key == "sk-admin-module", type(plain)
        assert server.requests[-1].headers["authorization"] == "Bearer sk-openai"
        trio_openai.api_type = "bedrock"
        try:
            load_client()
        except ValueError as exc:
            assert "api_type" in str(exc)
        else:
            raise AssertionError("an unknown api_type was accepted")
    print("ok")
    """
)


async def test_module_client_builds_an_azure_client_like_the_official_sdk() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI_"))}
    with trio.fail_after(60):
        done = await trio.run_process(
            [sys.executable, "-c", AZURE_SCRIPT],
            env=env,
            capture_stdout=True,
            capture_stderr=True,
            check=False,
        )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "ok"
