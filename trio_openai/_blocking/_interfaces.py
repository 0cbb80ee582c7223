"""What the blocking adapters need of the blocking client, as a Protocol.

The adapters (``_bridge``, ``_page``, ``_response``, the stream helpers) hold the client they serve;
`OpenAI` (``_sync.py``) satisfies `BlockingClient` structurally, so this package never names the
class above it (``tests/test_layers.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, ParamSpec, Protocol, TypeVar

if TYPE_CHECKING:
    from .._core._fetch_ahead import Spawner
    from .._core._portal import BlockingContextManager, Portal

__all__ = ["BlockingClient"]

P = ParamSpec("P")
T = TypeVar("T")


class BlockingClient(Protocol):
    """The blocking client (`OpenAI`): a portal, and its one way into it."""

    @property
    def _portal(self) -> Portal:
        """The trio thread every call runs in."""
        ...

    @property
    def _fetch_ahead(self) -> bool:
        """Whether page iteration fetches the next page ahead (the client is open as ``with``)."""
        ...

    def is_closed(self) -> bool: ...

    def _call(self, fn: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``await fn(*args, **kwargs)`` in the portal, with the pool bound to its run."""
        ...

    def _wrap_async_cm(self, cm: AbstractAsyncContextManager[T], /) -> BlockingContextManager[T]:
        """A blocking ``with`` around `cm`, entered and exited in one portal task."""
        ...

    async def _ahead_spawner(self) -> Spawner | None:
        """In the portal: where page iteration fetches ahead, or ``None``."""
        ...
