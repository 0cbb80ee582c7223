"""What generated resource classes stand on: the base class and the raw / streaming wrappers."""

from __future__ import annotations

import contextvars
import enum
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

if TYPE_CHECKING:
    from ._interfaces import ResourceClient
    from ._response import APIResponse, AsyncAPIResponse

__all__ = [
    "AsyncAPIResource",
    "ResponseMode",
    "response_mode",
    "to_raw_response",
    "to_streamed_response",
]

P = ParamSpec("P")
T = TypeVar("T")


class ResponseMode(enum.Enum):
    PARSED = "parsed"
    RAW = "raw"  # body read, an APIResponse returned
    STREAMED = "streamed"  # body left on the wire, an AsyncAPIResponse returned


#: How the method being called should hand back its result. Set only around one call by the
#: ``with_raw_response`` / ``with_streaming_response`` wrappers; a task spawned later never sees it.
response_mode: contextvars.ContextVar[ResponseMode] = contextvars.ContextVar(
    "trio_openai_response_mode", default=ResponseMode.PARSED
)


class AsyncAPIResource:
    """A group of API operations (``client.models``, ``client.chat.completions`` ...)."""

    __slots__ = ("_client",)

    def __init__(self, client: ResourceClient) -> None:
        self._client = client


class _Wrapper:
    __slots__ = ("_resource",)

    def __init__(self, resource: Any) -> None:
        self._resource = resource


def to_raw_response(
    method: Callable[Concatenate[Any, P], Awaitable[T]],
) -> Callable[Concatenate[Any, P], Awaitable[APIResponse[T]]]:
    """Wrap a resource method so it returns the :class:`APIResponse` (body read, ``parse()`` -> T)."""

    @wraps(method)
    async def wrapper(self: _Wrapper, *args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = response_mode.set(ResponseMode.RAW)
        try:
            result = await method(self._resource, *args, **kwargs)
        finally:
            response_mode.reset(token)
        return cast("APIResponse[T]", result)

    return wrapper


def to_streamed_response(
    method: Callable[Concatenate[Any, P], Awaitable[T]],
) -> Callable[Concatenate[Any, P], AbstractAsyncContextManager[AsyncAPIResponse[T]]]:
    """Wrap a resource method so it gives an async context manager of an unread
    :class:`AsyncAPIResponse`; leaving the block closes it."""

    @wraps(method)
    @asynccontextmanager
    async def wrapper(
        self: _Wrapper, *args: P.args, **kwargs: P.kwargs
    ) -> AsyncGenerator[AsyncAPIResponse[T]]:
        token = response_mode.set(ResponseMode.STREAMED)
        try:
            result = cast("AsyncAPIResponse[T]", await method(self._resource, *args, **kwargs))
        finally:
            response_mode.reset(token)
        try:
            yield result
        finally:
            await result.aclose()

    return wrapper  # type: ignore[return-value]


#: Base classes of the generated ``XWithRawResponse`` / ``XWithStreamingResponse`` classes.
RawResponseWrapper = _Wrapper
StreamedResponseWrapper = _Wrapper
