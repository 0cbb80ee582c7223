"""The module-level client of the official SDK: ``trio_openai.api_key = ...`` then
``trio_openai.chat.completions.create(...)``.

A blocking `OpenAI` built on first use from the module's attributes (``api_key``, ``admin_api_key``,
``organization``, ``project``, ``webhook_secret``, ``base_url``, ``timeout``, ``max_retries``,
``default_headers``, ``default_query``; ``None`` means "from the environment", as for the constructor),
or an `AzureOpenAI` as the official SDK builds one: when ``api_type`` (``OPENAI_API_TYPE``) is
``"azure"``, or, with no ``api_type``, when only Azure settings are there (``azure_endpoint`` /
``AZURE_OPENAI_ENDPOINT``, ``AZURE_OPENAI_API_KEY``, ``azure_ad_token`` / ``AZURE_OPENAI_AD_TOKEN``,
``azure_ad_token_provider``; with ``api_version`` / ``OPENAI_API_VERSION``). Azure and OpenAI
credentials both present without an ``api_type`` is an `AmbiguousModuleClientUsageError`. Changing an attribute
takes effect on the next access: the client is rebuilt (the old one closed) when the settings it was
built from differ. Nothing here runs at ``import trio_openai``: the package's ``__getattr__`` calls
`resource` only for the name of a top-level resource.

The environment is read when the client is built, as by the official module client: a change to an
environment variable (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``OPENAI_ORG_ID`` ...) after first use is
not noticed; set the module attribute instead (``trio_openai.api_key = ...``). One difference remains:
the official client reads a changed attribute on its existing client, while here the client is
rebuilt, and the rebuilt client reads the environment again.
"""

from __future__ import annotations

import os
import sys
import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ._core._errors import OpenAIError

if TYPE_CHECKING:
    from ._sync import OpenAI

__all__ = ["SETTINGS", "AmbiguousModuleClientUsageError", "load_client", "resource", "resource_names"]


class AmbiguousModuleClientUsageError(OpenAIError):
    """Both OpenAI and Azure credentials are set and ``api_type`` does not say which to use."""

    def __init__(self) -> None:
        super().__init__(
            "Ambiguous use of the module client: both OpenAI and Azure credentials are set; set "
            "`trio_openai.api_type` or the OPENAI_API_TYPE environment variable to `openai` or `azure`"
        )


#: The module attributes the client is built from, with their defaults.
SETTINGS: dict[str, Any] = {
    "api_key": None,
    "organization": None,
    "project": None,
    "webhook_secret": None,
    "base_url": None,
    "timeout": None,
    "max_retries": None,
    "default_headers": None,
    "default_query": None,
    "admin_api_key": None,
    "api_type": None,
    "api_version": None,
    "azure_endpoint": None,
    "azure_ad_token": None,
    "azure_ad_token_provider": None,
}

#: The settings only the Azure client takes, and the ones only the OpenAI client takes.
_AZURE_ONLY = ("api_type", "api_version", "azure_endpoint", "azure_ad_token", "azure_ad_token_provider")
_OPENAI_ONLY = ("admin_api_key",)

_lock = threading.Lock()
_client: OpenAI | None = None
_built_from: tuple[Any, ...] | None = None
_names: frozenset[str] | None = None


def resource_names() -> frozenset[str]:
    """The top-level resources of a client (``chat``, ``models`` ...)."""
    global _names
    if _names is None:
        from ._sync import OpenAI

        _names = frozenset(
            n for klass in OpenAI.__mro__ for n, v in vars(klass).items() if isinstance(v, cached_property)
        ) - {"with_raw_response", "with_streaming_response"}
    return _names


def _settings() -> tuple[Any, ...]:
    package = sys.modules["trio_openai"]
    return tuple(getattr(package, name, default) for name, default in SETTINGS.items())


def load_client() -> OpenAI:
    """The module's client, built (or rebuilt, when a setting changed) now."""
    global _client, _built_from
    settings = _settings()
    with _lock:
        if _client is not None and _built_from == settings and not _client.is_closed():
            return _client
        from ._core._options import DEFAULT_MAX_RETRIES, NOT_GIVEN
        from ._sync import OpenAI

        kwargs = dict(zip(SETTINGS, settings, strict=True))
        if kwargs["timeout"] is None:
            kwargs["timeout"] = NOT_GIVEN
        if kwargs["max_retries"] is None:
            kwargs["max_retries"] = DEFAULT_MAX_RETRIES
        if _api_type(kwargs) == "azure":
            from .lib._azure import AzureOpenAI

            for name in (*_OPENAI_ONLY, "api_type"):
                del kwargs[name]
            new: OpenAI = AzureOpenAI(**kwargs)
        else:
            for name in _AZURE_ONLY:
                del kwargs[name]
            new = OpenAI(**kwargs)
        old, _client, _built_from = _client, new, settings
    if old is not None:
        old.close()
    return new


def _api_type(settings: dict[str, Any]) -> str:
    """``"openai"`` or ``"azure"``: the ``api_type`` setting (``OPENAI_API_TYPE``), else the kind of
    credentials present, as the official SDK decides."""
    kind = settings["api_type"] or os.environ.get("OPENAI_API_TYPE") or None
    if kind is not None:
        if kind not in ("openai", "azure"):
            raise ValueError(f"api_type must be 'openai' or 'azure', not {kind!r}")
        return kind
    has_openai = os.environ.get("OPENAI_API_KEY") is not None
    has_azure = (settings["azure_endpoint"] or os.environ.get("AZURE_OPENAI_ENDPOINT")) is not None or (
        os.environ.get("AZURE_OPENAI_API_KEY") is not None
    )
    has_azure_ad = (
        os.environ.get("AZURE_OPENAI_AD_TOKEN") is not None
        or settings["azure_ad_token"] is not None
        or settings["azure_ad_token_provider"] is not None
    )
    if has_openai and (has_azure or has_azure_ad):
        raise AmbiguousModuleClientUsageError()
    return "azure" if has_azure or has_azure_ad else "openai"


def resource(name: str) -> Any:
    """``trio_openai.<name>``: the resource of the module's client."""
    return getattr(load_client(), name)
