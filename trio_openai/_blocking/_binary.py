"""The blocking ``with_streaming_response`` of binary endpoints, typed as it behaves: ``parse()`` gives
the body's ``bytes`` (the async side is `trio_openai._core._resource.to_streamed_binary_response`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, cast

from ._bridge import to_sync_streamed
from ._response import ResponseContextManager

if TYPE_CHECKING:
    from .._core._response import BinaryContent

__all__ = ["to_sync_streamed_binary"]

P = ParamSpec("P")


def to_sync_streamed_binary(
    method: Callable[Concatenate[Any, P], Awaitable[BinaryContent]],
) -> Callable[Concatenate[Any, P], ResponseContextManager[bytes]]:
    """`to_sync_streamed` for a binary endpoint: ``with`` yields the unread response, whose ``parse()``
    reads the body and gives its ``bytes``."""
    return cast("Callable[Concatenate[Any, P], ResponseContextManager[bytes]]", to_sync_streamed(method))
