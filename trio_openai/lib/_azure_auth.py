"""How an Azure client authenticates and routes: the hooks it gives the request pipeline.

* `KeyAuth`: the ``api-key`` header (never ``Authorization``), from a key or a key provider.
* `TokenAuth`: ``Authorization: Bearer`` with a Microsoft Entra ID token, or a provider of one (sync
  or async) asked again on every attempt, retries included.
* `DeploymentRoute`: ``/deployments/{deployment}/...`` for the endpoints Azure serves per deployment,
  the deployment being the client's ``azure_deployment`` or the ``model`` of the request body.

Nothing here does I/O; errors never carry a key or a token.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import cast
from urllib.parse import quote

from .._core._errors import OpenAIError
from .._core._headers import check_header_value

__all__ = [
    "DEPLOYMENT_PATHS",
    "DeploymentRoute",
    "KeyAuth",
    "MutuallyExclusiveAuthError",
    "TokenAuth",
    "is_v1_url",
]

#: The endpoints the official client sends to ``/deployments/{deployment}/...`` (every other path goes
#: under ``/openai/`` as it is: models, files, batches, responses, images/variations ...).
DEPLOYMENT_PATHS = frozenset(
    {
        "/completions",
        "/chat/completions",
        "/embeddings",
        "/audio/transcriptions",
        "/audio/translations",
        "/audio/speech",
        "/images/generations",
        "/images/edits",
    }
)


class MutuallyExclusiveAuthError(OpenAIError):
    """More than one of ``api_key``, ``azure_ad_token`` and ``azure_ad_token_provider`` was given."""

    def __init__(self) -> None:
        super().__init__(
            "The `api_key`, `azure_ad_token` and `azure_ad_token_provider` arguments are mutually "
            "exclusive: pass only one of them."
        )


def is_v1_url(url: str) -> bool:
    """Whether ``url`` is of the newer ``https://<resource>.openai.azure.com/openai/v1`` style."""
    return url.partition("?")[0].rstrip("/").endswith("/openai/v1")


class KeyAuth:
    """The ``api-key`` header: a key, or a provider (sync or async) asked on every attempt."""

    __slots__ = ("_key",)
    header = "api-key"

    def __init__(self, key: str | Callable[[], str | Awaitable[str]]) -> None:
        if isinstance(key, str):
            check_header_value(key, "the api_key")
        self._key = key

    @property
    def key(self) -> str | Callable[[], str | Awaitable[str]]:
        return self._key

    async def __call__(self) -> tuple[str, str]:
        key = self._key
        if not isinstance(key, str):
            value = cast(object, key())
            if inspect.isawaitable(value):
                value = await value
            if not isinstance(value, str) or not value:
                raise TypeError("the api_key provider must return a non-empty str")
            check_header_value(value, "the key the api_key provider returned")
            key = value
        return "api-key", key


class TokenAuth:
    """``Authorization: Bearer <token>``: a fixed token, or a provider asked on every attempt."""

    __slots__ = ("_provider", "_token")
    header = "authorization"

    def __init__(
        self, token: str | None = None, provider: Callable[[], str | Awaitable[str]] | None = None
    ) -> None:
        if token is not None:
            check_header_value(token, "the azure_ad_token")
        self._token = token
        self._provider = provider

    @property
    def token(self) -> str | None:
        return self._token

    @property
    def provider(self) -> Callable[[], str | Awaitable[str]] | None:
        return self._provider

    async def __call__(self) -> tuple[str, str]:
        token = self._token
        if token is None:
            assert self._provider is not None
            value = cast(object, self._provider())
            if inspect.isawaitable(value):
                value = await value
            if not isinstance(value, str) or not value:
                raise ValueError("the azure_ad_token_provider must return a non-empty str")
            check_header_value(value, "the token the azure_ad_token_provider returned")
            token = str.__str__(value)  # a str subclass's __str__ never runs on the token
        return "Authorization", f"Bearer {token}"


class DeploymentRoute:
    """The path a call is sent to: deployment endpoints go under ``/deployments/{deployment}``."""

    __slots__ = ("_fixed",)

    def __init__(self, deployment: str | None) -> None:
        self._fixed = None if deployment is None else "/deployments/" + quote(deployment, safe="")

    def __call__(self, path: str, body: Mapping[str, object] | None) -> str:
        if path not in DEPLOYMENT_PATHS:
            return path
        if self._fixed is not None:
            return self._fixed + path
        model = body.get("model") if body is not None else None
        if isinstance(model, str) and model:
            return "/deployments/" + quote(model, safe="") + path
        return path
