"""The option properties both clients serve (``client.api_key``, ``client.timeout`` ...), read once
from the one `ClientConfig` that `AsyncOpenAI` and the `OpenAI` over it share."""

from __future__ import annotations

from ._options import Timeout
from ._request import ClientConfig
from ._retry import RetryPolicy

__all__ = ["ClientOptions"]


class ClientOptions:
    """Read-only views of ``self._config``: a base of `AsyncOpenAI` and `OpenAI`."""

    __slots__ = ()

    _config: ClientConfig

    @property
    def api_key(self) -> str:
        """The key, or ``""`` when it comes from a provider (a callable asked on every attempt)."""
        key = self._config.api_key
        return key if isinstance(key, str) else ""

    @property
    def admin_api_key(self) -> str | None:
        """The key of the admin endpoints (``client.admin ...``), ``OPENAI_ADMIN_KEY`` by default."""
        return self._config.admin_api_key

    @property
    def organization(self) -> str | None:
        return self._config.organization

    @property
    def project(self) -> str | None:
        return self._config.project

    @property
    def webhook_secret(self) -> str | None:
        return self._config.webhook_secret

    @property
    def base_url(self) -> str:
        return self._config.base.url

    @property
    def websocket_base_url(self) -> str | None:
        return self._config.websocket_base_url

    @property
    def timeout(self) -> Timeout:
        return self._config.timeout

    @property
    def max_retries(self) -> int:
        return self._config.retry.max_retries

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._config.retry

    @property
    def default_headers(self) -> dict[str, str]:
        """The default headers given (``omit`` entries, which remove a header, left out)."""
        return {k: v for k, v in self._config.default_headers.items() if isinstance(v, str)}

    @property
    def default_query(self) -> dict[str, object]:
        return dict(self._config.default_query)
