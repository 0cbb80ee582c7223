"""The Azure constructors: every way to give the endpoint, the API version and the credential, and the
errors (typed, before any I/O, without the secret) when something is missing or given twice."""

from __future__ import annotations

import inspect
import typing

import pytest
import trio

import trio_openai
from trio_openai import AsyncAzureOpenAI, AzureOpenAI, OpenAIError
from trio_openai.lib.azure import MutuallyExclusiveAuthError

from ._support import ENDPOINT, VERSION, Recorder, auth_headers


def test_root_and_official_module_path_are_the_same_classes() -> None:
    from trio_openai.lib import azure

    assert trio_openai.AsyncAzureOpenAI is azure.AsyncAzureOpenAI
    assert trio_openai.AzureOpenAI is azure.AzureOpenAI
    assert issubclass(azure.AsyncAzureOpenAI, trio_openai.AsyncOpenAI)
    assert issubclass(azure.AzureOpenAI, trio_openai.OpenAI)
    assert issubclass(MutuallyExclusiveAuthError, OpenAIError)
    assert repr(azure.AsyncAzureOpenAI) == "<class 'trio_openai.lib.azure.AsyncAzureOpenAI'>"


@pytest.mark.parametrize("cls", [AsyncAzureOpenAI, AzureOpenAI])
def test_the_official_constructor_parameters_and_overloads(cls: type) -> None:
    official = {
        "azure_endpoint",
        "azure_deployment",
        "api_version",
        "api_key",
        "admin_api_key",
        "azure_ad_token",
        "azure_ad_token_provider",
        "organization",
        "project",
        "webhook_secret",
        "base_url",
        "websocket_base_url",
        "timeout",
        "max_retries",
        "default_headers",
        "default_query",
        "http_client",
    }
    params = inspect.signature(cls.__init__).parameters
    assert official <= set(params)
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for name, p in params.items() if name != "self")
    overloads = typing.get_overloads(cls.__init__)
    assert len(overloads) == 3
    required = [
        {n for n, p in inspect.signature(o).parameters.items() if p.default is inspect.Parameter.empty}
        for o in overloads
    ]
    assert required == [{"self", "azure_endpoint"}, {"self"}, {"self", "base_url"}]
    assert all("admin_api_key" in inspect.signature(o).parameters for o in overloads)


async def test_explicit_arguments() -> None:
    rec = Recorder()
    client = AsyncAzureOpenAI(
        azure_endpoint=ENDPOINT, api_version=VERSION, api_key="azure-key", transport=rec.transport
    )
    assert client.base_url == f"{ENDPOINT}/openai/"
    assert client.api_version == VERSION
    assert client.azure_endpoint == ENDPOINT
    assert client.azure_deployment is None
    assert client.api_key == "azure-key"
    assert client.default_query == {"api-version": VERSION}
    with trio.fail_after(5):
        await client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    assert rec.last.url == f"{ENDPOINT}/openai/deployments/gpt-4o/chat/completions?api-version={VERSION}"
    assert auth_headers(rec.last) == {"api-key": "azure-key"}


async def test_everything_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://env.openai.azure.com/")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-key")
    monkeypatch.setenv("OPENAI_API_VERSION", "2025-01-01-preview")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-for-azure")
    monkeypatch.setenv("OPENAI_BASE_URL", "https://elsewhere.example/v1")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-1")
    rec = Recorder()
    client = AsyncAzureOpenAI(transport=rec.transport)
    assert client.base_url == "https://env.openai.azure.com/openai/"
    assert client.organization == "org-1"
    with trio.fail_after(5):
        await client.embeddings.with_raw_response.create(model="emb", input="x")
    assert rec.last.url == (
        "https://env.openai.azure.com/openai/deployments/emb/embeddings?api-version=2025-01-01-preview"
    )
    assert auth_headers(rec.last) == {"api-key": "env-key"}
    assert rec.last.headers["OpenAI-Organization"] == "org-1"


async def test_the_ad_token_from_the_environment_comes_before_the_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-key")
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "env-token")
    rec = Recorder()
    client = AsyncAzureOpenAI(azure_endpoint=ENDPOINT, api_version=VERSION, transport=rec.transport)
    with trio.fail_after(5):
        await client.models.with_raw_response.retrieve("m")
    assert auth_headers(rec.last) == {"authorization": "Bearer env-token"}


@pytest.mark.parametrize(
    "given",
    [
        {"api_key": "explicit"},
        {"azure_ad_token": "explicit"},
        {"azure_ad_token_provider": lambda: "explicit"},
    ],
)
async def test_an_explicit_credential_beats_the_environment(
    given: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-key")
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "env-token")
    rec = Recorder()
    client = AsyncAzureOpenAI(azure_endpoint=ENDPOINT, api_version=VERSION, transport=rec.transport, **given)  # type: ignore[arg-type]
    with trio.fail_after(5):
        await client.models.with_raw_response.retrieve("m")
    expected = {"api-key": "explicit"} if "api_key" in given else {"authorization": "Bearer explicit"}
    assert auth_headers(rec.last) == expected


@pytest.mark.parametrize("cls", [AsyncAzureOpenAI, AzureOpenAI])
def test_missing_api_version_is_a_value_error(cls: type) -> None:
    rec = Recorder()
    with pytest.raises(ValueError, match="OPENAI_API_VERSION"):
        cls(azure_endpoint=ENDPOINT, api_key="k", transport=rec.transport)
    assert rec.requests == []


def test_an_empty_api_version_variable_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_VERSION", "")
    with pytest.raises(ValueError, match="api_version"):
        AsyncAzureOpenAI(azure_endpoint=ENDPOINT, api_key="k")


@pytest.mark.parametrize("cls", [AsyncAzureOpenAI, AzureOpenAI])
def test_missing_endpoint_is_a_value_error(cls: type) -> None:
    with pytest.raises(ValueError, match="AZURE_OPENAI_ENDPOINT"):
        cls(api_version=VERSION, api_key="k")


def test_base_url_and_azure_endpoint_are_mutually_exclusive() -> None:
    with pytest.raises(ValueError, match="mutually exclusive"):
        AsyncAzureOpenAI(
            base_url=f"{ENDPOINT}/openai", azure_endpoint=ENDPOINT, api_version=VERSION, api_key="k"
        )  # type: ignore[call-overload]


@pytest.mark.parametrize(
    "given",
    [
        {"api_key": "k", "azure_ad_token": "t"},
        {"api_key": "k", "azure_ad_token_provider": lambda: "t"},
        {"azure_ad_token": "t", "azure_ad_token_provider": lambda: "t"},
        {"api_key": "k", "azure_ad_token": "t", "azure_ad_token_provider": lambda: "t"},
    ],
)
@pytest.mark.parametrize("cls", [AsyncAzureOpenAI, AzureOpenAI])
def test_credentials_are_mutually_exclusive(cls: type, given: dict[str, object]) -> None:
    with pytest.raises(MutuallyExclusiveAuthError, match="mutually exclusive") as info:
        cls(azure_endpoint=ENDPOINT, api_version=VERSION, **given)
    assert "k" not in str(info.value).split() and "'t'" not in str(info.value)


@pytest.mark.parametrize("cls", [AsyncAzureOpenAI, AzureOpenAI])
def test_missing_credentials(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-key-is-not-an-azure-key")
    with pytest.raises(OpenAIError, match="AZURE_OPENAI_API_KEY") as info:
        cls(azure_endpoint=ENDPOINT, api_version=VERSION)
    assert "sk-openai" not in str(info.value)


def test_v1_endpoints_need_no_api_version() -> None:
    client = AsyncAzureOpenAI(azure_endpoint=f"{ENDPOINT}/openai/v1", api_key="k")
    assert client.api_version is None
    assert client.base_url == f"{ENDPOINT}/openai/v1/"
    assert client.default_query == {}
    other = AsyncAzureOpenAI(base_url=f"{ENDPOINT}/openai/v1/", api_key="k")
    assert other.base_url == f"{ENDPOINT}/openai/v1/"


def test_deployment_shows_in_base_url_as_in_the_official_client() -> None:
    client = AsyncAzureOpenAI(
        azure_endpoint=ENDPOINT + "/", azure_deployment="dep", api_version=VERSION, api_key="k"
    )
    assert client.base_url == f"{ENDPOINT}/openai/deployments/dep/"
    assert client.azure_deployment == "dep"
    assert client._azure_deployment == "dep"  # the official private names, read by existing code
    assert client._api_version == VERSION


@pytest.mark.parametrize("cls", [AsyncAzureOpenAI, AzureOpenAI])
def test_a_bad_key_fails_at_construction_without_showing_it(cls: type) -> None:
    secret = "azure-secret-value\n"
    with pytest.raises(ValueError, match="newline") as info:
        cls(azure_endpoint=ENDPOINT, api_version=VERSION, api_key=secret)
    assert "azure-secret-value" not in str(info.value)
    with pytest.raises(ValueError) as info:
        cls(azure_endpoint=ENDPOINT, api_version=VERSION, azure_ad_token=secret)
    assert "azure-secret-value" not in str(info.value)


def test_wrong_credential_types_are_type_errors() -> None:
    with pytest.raises(TypeError, match="azure_ad_token_provider"):
        AsyncAzureOpenAI(azure_endpoint=ENDPOINT, api_version=VERSION, azure_ad_token_provider="tok")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="api_key"):
        AsyncAzureOpenAI(azure_endpoint=ENDPOINT, api_version=VERSION, api_key=123)  # type: ignore[arg-type]


def test_repr_names_the_class() -> None:
    client = AzureOpenAI(azure_endpoint=ENDPOINT, api_version=VERSION, api_key="k")
    try:
        assert repr(client) == f"<AzureOpenAI base_url='{ENDPOINT}/openai/'>"
        assert "AsyncAzureOpenAI" in repr(client._async)
    finally:
        client.close()


_ADMIN_USER = {"object": "organization.user", "id": "u", "name": "A", "email": "a@x"}
_AZURE_KW: dict[str, str] = {"azure_endpoint": ENDPOINT, "api_version": VERSION, "api_key": "azure-key"}


async def test_admin_api_key_argument_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # As the official Azure client: the admin key is kept (``OPENAI_ADMIN_KEY`` by default), and
    # every request, admin endpoints included, authenticates the Azure way (the api-key header).
    rec = Recorder(default=_ADMIN_USER)
    client = AsyncAzureOpenAI(admin_api_key="adm-explicit", transport=rec.transport, **_AZURE_KW)
    assert client.admin_api_key == "adm-explicit"
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "adm-from-env")
    assert AsyncAzureOpenAI(transport=rec.transport, **_AZURE_KW).admin_api_key == "adm-from-env"
    with trio.fail_after(10):
        await client.admin.organization.users.with_raw_response.retrieve("u")
    assert [auth_headers(r) for r in rec.requests] == [{"api-key": "azure-key"}]
    assert "adm-" not in repr(client)


def test_blocking_admin_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = Recorder(default=_ADMIN_USER)
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "adm-from-env")
    assert AzureOpenAI(transport=rec.transport, **_AZURE_KW).admin_api_key == "adm-from-env"
    with AzureOpenAI(admin_api_key="adm-blocking", transport=rec.transport, **_AZURE_KW) as blocking:
        assert blocking.admin_api_key == "adm-blocking"
        blocking.admin.organization.users.with_raw_response.retrieve("u")
        assert "adm-" not in repr(blocking)
    assert [auth_headers(r) for r in rec.requests] == [{"api-key": "azure-key"}]
