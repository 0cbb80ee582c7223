"""What the engine needs of a client, as Protocols (httpcore's ``interfaces.py`` pattern).

`AsyncAPIResource` (``_core/_resource.py``) holds the client it belongs to; the generated resource
methods call its request entry points. `AsyncOpenAI` (``_client.py``) satisfies `ResourceClient`
structurally, so ``_core`` never names the class above it (``tests/test_layers.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from ._options import Omit, RequestOptions
    from ._pagination import AsyncPaginator, BasePage
    from ._response import AsyncAPIResponse

__all__ = ["ResourceClient"]

PageT = TypeVar("PageT", bound="BasePage[Any]")


class ResourceClient(Protocol):
    """The client a resource sends its calls through (`AsyncOpenAI`)."""

    @property
    def webhook_secret(self) -> str | None:
        """The secret ``client.webhooks`` verifies signatures with, if configured."""
        ...

    def _ensure_open(self) -> None:
        """Raise ``RuntimeError`` if the client has been closed."""
        ...

    async def _request(
        self,
        method: str,
        path: str,
        *,
        cast_to: Any,
        body: Mapping[str, object] | None = ...,
        query: Mapping[str, object] | None = ...,
        multipart: bool = ...,
        content: bytes | AsyncIterable[bytes] | None = ...,
        content_type: str | None = ...,
        headers: Mapping[str, str | Omit] | None = ...,
        options: RequestOptions | None = ...,
        post_parser: Callable[[Any], Any] | None = ...,
        stream_cls: Callable[[AsyncAPIResponse[Any]], Any] | None = ...,
        admin: bool = ...,
    ) -> Any:
        """Send one API call; the result is parsed, raw or streamed as the caller asked."""
        ...

    def _get_api_list(
        self,
        path: str,
        *,
        page: type[PageT],
        query: Mapping[str, object] | None = ...,
        body: Mapping[str, object] | None = ...,
        method: str = ...,
        headers: Mapping[str, str | Omit] | None = ...,
        options: RequestOptions | None = ...,
        admin: bool = ...,
    ) -> AsyncPaginator[Any, PageT]:
        """A paginator over a list endpoint: awaited gives the first page, iterated every item."""
        ...
