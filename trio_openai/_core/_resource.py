"""What generated resource classes stand on: the base class and the raw / streaming wrappers.

The response mode (parsed, raw, streamed) is data on the `Call`, never ambient state: a wrapper calls
the plain method on a copy of the resource bound to a view of the client (`in_mode`) whose
``_request`` / ``_get_api_list`` stamp the mode on the call they build. Anything that call starts later
(the next page, a fetch-ahead task in the client's nursery) builds its own call, parsed.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

from ._request import ResponseMode

if TYPE_CHECKING:
    from ._interfaces import ResourceClient
    from ._response import APIResponse, AsyncAPIResponse, BinaryContent

__all__ = [
    "AsyncAPIResource",
    "ResponseMode",
    "in_mode",
    "to_raw_response",
    "to_streamed_binary_response",
    "to_streamed_response",
]

P = ParamSpec("P")
T = TypeVar("T")
ResourceT = TypeVar("ResourceT")


class AsyncAPIResource:
    """A group of API operations (``client.models``, ``client.chat.completions`` ...)."""

    __slots__ = ("_client",)

    def __init__(self, client: ResourceClient) -> None:
        self._client = client


class _ModeView:
    """The client as a resource bound by `in_mode` sees it: every attribute is the client's, except
    that the calls its two entry points build carry ``mode``."""

    __slots__ = ("_mode", "_target")

    def __init__(self, target: Any, mode: ResponseMode) -> None:
        self._target = target
        self._mode = mode

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)

    def _request(self, *args: Any, **kwargs: Any) -> Awaitable[Any]:
        return self._target._request(*args, mode=self._mode, **kwargs)

    def _get_api_list(self, *args: Any, **kwargs: Any) -> Any:
        return self._target._get_api_list(*args, mode=self._mode, **kwargs)


def in_mode(resource: ResourceT, mode: ResponseMode) -> ResourceT:
    """A copy of ``resource`` whose calls hand their results back in ``mode``; ``resource`` itself is
    unchanged (and a parsed call through it stays parsed)."""
    if mode is ResponseMode.PARSED:
        return resource
    bound = object.__new__(type(resource))
    client: Any = getattr(resource, "_client")  # noqa: B009 - any resource, typed by its class
    target = client._target if isinstance(client, _ModeView) else client
    object.__setattr__(bound, "_client", _ModeView(target, mode))
    return bound


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
        result = await method(in_mode(self._resource, ResponseMode.RAW), *args, **kwargs)
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
        resource = in_mode(self._resource, ResponseMode.STREAMED)
        result = cast("AsyncAPIResponse[T]", await method(resource, *args, **kwargs))
        try:
            yield result
        finally:
            await result.aclose()

    return wrapper  # type: ignore[return-value]


def to_streamed_binary_response(
    method: Callable[Concatenate[Any, P], Awaitable[BinaryContent]],
) -> Callable[Concatenate[Any, P], AbstractAsyncContextManager[AsyncAPIResponse[bytes]]]:
    """`to_streamed_response` for a binary endpoint (``files.content``, ``audio.speech.create`` ...):
    the unread response's ``parse()`` gives the body's ``bytes``, as the official SDK's does (the
    client parses a streamed binary body to its bytes), and the annotation says so."""
    return cast(
        "Callable[Concatenate[Any, P], AbstractAsyncContextManager[AsyncAPIResponse[bytes]]]",
        to_streamed_response(method),
    )


#: Base classes of the generated ``XWithRawResponse`` / ``XWithStreamingResponse`` classes.
RawResponseWrapper = _Wrapper
StreamedResponseWrapper = _Wrapper
