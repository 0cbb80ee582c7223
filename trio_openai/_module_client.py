"""The module-level client of the official SDK: ``trio_openai.api_key = ...`` then
``trio_openai.chat.completions.create(...)``.

A blocking `OpenAI` built on first use from the module's attributes (``api_key``, ``organization``,
``project``, ``webhook_secret``, ``base_url``, ``timeout``, ``max_retries``, ``default_headers``,
``default_query``; ``None`` means "from the environment", as for the constructor). Changing an attribute
takes effect on the next access: the client is rebuilt (the old one closed) when the settings it was
built from differ. Nothing here runs at ``import trio_openai``: the package's ``__getattr__`` calls
`resource` only for the name of a top-level resource.
"""

from __future__ import annotations

import sys
import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._sync import OpenAI

__all__ = ["SETTINGS", "load_client", "resource", "resource_names"]

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
}

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
        new = OpenAI(**kwargs)
        old, _client, _built_from = _client, new, settings
    if old is not None:
        old.close()
    return new


def resource(name: str) -> Any:
    """``trio_openai.<name>``: the resource of the module's client."""
    return getattr(load_client(), name)
