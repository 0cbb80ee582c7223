"""Typed adapters that turn async resource methods into blocking ones: one line per method.

The blocking client has no request logic of its own. Each of its resource classes holds the async
resource and the blocking client, and every method is the async method run in the portal:

    class Models(SyncAPIResource[AsyncModels]):
        retrieve = to_sync(AsyncModels.retrieve)        # (model: str, **options) -> Model
        list = to_sync_list(AsyncModels.list)           # -> SyncBasePage[Model, AsyncPage[Model]]

    class ModelsWithRawResponse(SyncResponseWrapper):
        retrieve = to_sync_raw(AsyncModels.retrieve)    # -> APIResponse[Model]
        list = to_sync_raw_list(AsyncModels.list)

    class ModelsWithStreamingResponse(SyncResponseWrapper):
        retrieve = to_sync_streamed(AsyncModels.retrieve)   # -> ResponseContextManager[Model]
        list = to_sync_streamed_list(AsyncModels.list)

The adapters keep the parameters of the async method exactly (a `ParamSpec`), so type checkers see
the blocking signature: ``client.models.retrieve("gpt-4o")`` is a ``Model``, not an awaitable.

Methods overloaded on ``stream`` (``create(..., stream=True)`` gives events) cannot be mapped by a
type: the blocking class states its overloads (returning `Stream[...]` where the async class returns
``AsyncStream[...]``) and implements them with `sync_call`, which wraps an async stream in `Stream`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar

from .._core._pagination import AsyncPaginator, BasePage
from .._core._resource import ResponseMode, in_mode
from .._core._response import APIResponse
from ._page import SyncBasePage
from ._response import ResponseContextManager, SyncAPIResponse, to_sync_value

if TYPE_CHECKING:
    from ._interfaces import BlockingClient

__all__ = [
    "SyncAPIResource",
    "SyncResponseWrapper",
    "sync_call",
    "to_sync",
    "to_sync_list",
    "to_sync_raw",
    "to_sync_raw_list",
    "to_sync_streamed",
    "to_sync_streamed_list",
]

P = ParamSpec("P")
T = TypeVar("T")
ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT", bound=BasePage[Any])
AsyncResourceT = TypeVar("AsyncResourceT")


class SyncAPIResource(Generic[AsyncResourceT]):
    """A group of blocking operations (``client.models`` ...), over its async twin."""

    __slots__ = ("__dict__", "_async", "_client")

    def __init__(self, client: BlockingClient, async_resource: AsyncResourceT) -> None:
        self._client = client
        self._async = async_resource


class SyncResponseWrapper:
    """Base of the generated ``XWithRawResponse`` / ``XWithStreamingResponse`` blocking classes."""

    __slots__ = ("__dict__", "_resource")

    def __init__(self, resource: SyncAPIResource[Any]) -> None:
        self._resource: Any = resource  # Any: sub-resource properties reach resource.<name>


async def _in_mode(
    mode: ResponseMode, fn: Callable[..., Awaitable[T]], resource: object, /, *args: Any, **kwargs: Any
) -> T:
    """``fn(resource, ...)`` with its result handed back in ``mode`` (the mode rides on the call)."""
    return await fn(in_mode(resource, mode), *args, **kwargs)


def blocking_qualname(method: Callable[..., Any]) -> str:
    """``AsyncCompletions.create`` -> ``Completions.create``: the name the blocking twin goes by."""
    return method.__qualname__.removeprefix("Async")


def renamed_type_error(exc: TypeError, method: Callable[..., Any]) -> TypeError | None:
    """The blocking twin of a `TypeError` that `method` raised about its own arguments (``AsyncX.create()
    got an unexpected keyword argument ...``, a missing argument): the same message naming the blocking
    method. ``None`` when the error is about something else."""
    async_name = method.__qualname__
    message = str(exc)
    if not message.startswith(async_name + "()"):
        return None
    return TypeError(blocking_qualname(method) + message[len(async_name) :])


def _blocking_face(call: Callable[..., Any], method: Callable[..., Any]) -> None:
    """Name `call` as the blocking method (reprs, ``help()``); its signature stays the async one's,
    found through ``__wrapped__``."""
    call.__qualname__ = blocking_qualname(method)


def to_sync(method: Callable[Concatenate[Any, P], Awaitable[T]]) -> Callable[Concatenate[Any, P], T]:
    """A blocking method that runs the async `method` in the portal and returns its result."""

    @wraps(method)
    def call(self: SyncAPIResource[Any], *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return self._client._call(method, self._async, *args, **kwargs)
        except TypeError as exc:
            renamed = renamed_type_error(exc, method)
            if renamed is None:
                raise
            raise renamed from None

    _blocking_face(call, method)
    return call


def to_sync_list(
    method: Callable[Concatenate[Any, P], AsyncPaginator[ItemT, PageT]],
) -> Callable[Concatenate[Any, P], SyncBasePage[ItemT, PageT]]:
    """A blocking list method: fetches the first page now and returns it as a `SyncBasePage`."""

    @wraps(method)
    def call(self: SyncAPIResource[Any], *args: P.args, **kwargs: P.kwargs) -> SyncBasePage[ItemT, PageT]:
        client = self._client
        try:
            first = client._call(method, self._async, *args, **kwargs)
        except TypeError as exc:
            renamed = renamed_type_error(exc, method)
            if renamed is None:
                raise
            raise renamed from None
        return SyncBasePage(first, client)

    _blocking_face(call, method)
    return call


def _raw(method: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    @wraps(method)
    def call(self: SyncResponseWrapper, *args: Any, **kwargs: Any) -> Any:
        resource = self._resource
        client = resource._client
        try:
            response = client._call(_in_mode, ResponseMode.RAW, method, resource._async, *args, **kwargs)
        except TypeError as exc:
            renamed = renamed_type_error(exc, method)
            if renamed is None:
                raise
            raise renamed from None
        return to_sync_value(response, client)

    _blocking_face(call, method)
    return call


def _streamed(method: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    @wraps(method)
    def call(self: SyncResponseWrapper, *args: Any, **kwargs: Any) -> ResponseContextManager[Any]:
        resource = self._resource
        client = resource._client

        def open_response() -> SyncAPIResponse[Any]:
            try:
                response = client._call(
                    _in_mode, ResponseMode.STREAMED, method, resource._async, *args, **kwargs
                )
            except TypeError as exc:
                renamed = renamed_type_error(exc, method)
                if renamed is None:
                    raise
                raise renamed from None
            return SyncAPIResponse(response, client)

        return ResponseContextManager(open_response)

    _blocking_face(call, method)
    return call


def to_sync_raw(
    method: Callable[Concatenate[Any, P], Awaitable[T]],
) -> Callable[Concatenate[Any, P], APIResponse[T]]:
    """For ``with_raw_response``: returns the `APIResponse` (body read; ``parse()`` gives T)."""
    return _raw(method)


def to_sync_raw_list(
    method: Callable[Concatenate[Any, P], AsyncPaginator[ItemT, PageT]],
) -> Callable[Concatenate[Any, P], APIResponse[SyncBasePage[ItemT, PageT]]]:
    """`to_sync_raw` for list methods: ``parse()`` gives the first page as a `SyncBasePage`."""
    return _raw(method)


def to_sync_streamed(
    method: Callable[Concatenate[Any, P], Awaitable[T]],
) -> Callable[Concatenate[Any, P], ResponseContextManager[T]]:
    """For ``with_streaming_response``: ``with`` sends the request and yields the unread
    `SyncAPIResponse`; leaving the block closes it."""
    return _streamed(method)


def to_sync_streamed_list(
    method: Callable[Concatenate[Any, P], AsyncPaginator[ItemT, PageT]],
) -> Callable[Concatenate[Any, P], ResponseContextManager[SyncBasePage[ItemT, PageT]]]:
    """`to_sync_streamed` for list methods: ``parse()`` gives the first page as a `SyncBasePage`."""
    return _streamed(method)


def sync_call(
    resource: SyncAPIResource[Any], method: Callable[..., Awaitable[Any]], /, *args: Any, **kwargs: Any
) -> Any:
    """Body of a blocking method with explicit overloads (``stream=True`` -> `Stream`): run the async
    `method` in the portal and give the blocking face of its result (`to_sync_value`)."""
    client = resource._client
    try:
        result = client._call(method, resource._async, *args, **kwargs)
    except TypeError as exc:
        renamed = renamed_type_error(exc, method)
        if renamed is None:
            raise
        raise renamed from None
    return to_sync_value(result, client)
