"""The Responses API stream helper: typed events and the final :class:`Response`.

::

    async with open_response_stream(client, model="gpt-4o", input="Say hi") as stream:
        async for event in stream:
            if event.type == "response.output_text.delta":
                print(event.delta, end="")
        response = await stream.get_final_response()

    # resume a background response after the last event seen:
    async with open_response_stream(client, response_id="resp_123", starting_after=41) as stream:
        ...

Creating sends ``POST /responses`` with ``stream: true``; resuming sends
``GET /responses/{id}?stream=true&starting_after=N``. The two are exclusive. The Responses API ends its
streams without ``[DONE]``: a clean end of the body after the last event is the normal end.

Text and function-call argument deltas get ``snapshot`` (everything so far). :class:`ResponseStreamState`
accumulates the response from the events (``current_snapshot``); :meth:`ResponseStream.get_final_response`
returns the response of the terminal event (``response.completed``, ``.failed`` or ``.incomplete``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import msgspec

from ..._core._decoding import convert
from ..._core._options import RequestOptions
from ..._core._request import path_param
from ..._core._streaming import AsyncStream
from ...types import Response as FullResponse
from .._parsing._partial import PartialJSON, partial_parser
from .._parsing._responses import ResponsesParsePlan, plan_responses_parse
from .._parsing._responses_types import ParsedResponse
from .._parsing._schema import output_type
from ._async_base import AccumulatingStream
from ._iteration import aclose_all, sliced
from ._responses_types import (
    Response,
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseFailedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseIncompleteEvent,
    ResponseInProgressEvent,
    ResponseOutputItem,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseRefusalDeltaEvent,
    ResponseStreamEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
)

if TYPE_CHECKING:
    from ..._core._interfaces import ResourceClient
    from ..._core._resource import AsyncAPIResource

__all__ = [
    "ResponseStream",
    "ResponseStreamManager",
    "ResponseStreamState",
    "open_response_stream",
    "response_stream_method",
]

_OPTION_KEYS = frozenset(RequestOptions.__optional_keys__)
_EVENTS: Any = AsyncStream.factory(ResponseStreamEvent)
_TERMINAL = (ResponseCompletedEvent, ResponseFailedEvent, ResponseIncompleteEvent)


class ResponseStreamState:
    """Accumulates a :class:`Response` from its stream events; :meth:`handle_event` returns the event
    to hand to the user (deltas with their ``snapshot`` filled in)."""

    __slots__ = ("_final", "_partials", "_plan", "_snapshot")

    def __init__(self, plan: ResponsesParsePlan | None = None) -> None:
        self._snapshot: Response | None = None
        self._final: FullResponse | None = None
        self._plan = plan if plan is not None and (plan.content is not None or plan.tools) else None
        self._partials: dict[tuple[int, int], PartialJSON | None] = {}

    def parsed_final_response(self) -> ParsedResponse[Any] | None:
        """The terminal event's response as a :class:`ParsedResponse` (parsed as the plan says)."""
        final = self._final
        if final is None:
            return None
        parsed: ParsedResponse[Any] = convert(msgspec.to_builtins(final), ParsedResponse)
        extra: dict[str, Any] = getattr(parsed, "__dict__")  # noqa: B009
        extra.update(getattr(final, "__dict__"))  # noqa: B009  (request id, raw body)
        if self._plan is not None:
            self._plan.finish(parsed)
        return parsed

    def _partial(self, key: tuple[int, int], delta: str) -> object:
        partials = self._partials
        if key not in partials:
            partials[key] = partial_parser()
        parser = partials[key]
        return None if parser is None else parser.feed(delta)

    @property
    def current_snapshot(self) -> Response | None:
        """The response so far (``None`` before the first event that carries one)."""
        return self._snapshot

    @property
    def final_response(self) -> FullResponse | None:
        """The response of the terminal event (the generated type), once it arrived."""
        return self._final

    def handle_event(self, event: ResponseStreamEvent) -> ResponseStreamEvent:
        if isinstance(event, ResponseCreatedEvent | ResponseInProgressEvent):
            self._snapshot = event.response
        elif isinstance(event, _TERMINAL):
            self._final = event.response
            self._snapshot = convert(msgspec.to_builtins(event.response), Response)
        elif isinstance(event, ResponseOutputItemAddedEvent | ResponseOutputItemDoneEvent):
            self._set_item(event.output_index, event.item)
        elif isinstance(event, ResponseContentPartAddedEvent | ResponseContentPartDoneEvent):
            item = self._item(event.output_index)
            if item is not None:
                parts = item.content if item.content is not None else []
                item.content = parts
                while len(parts) <= event.content_index:
                    parts.append(event.part)
                parts[event.content_index] = event.part
        elif isinstance(event, ResponseTextDeltaEvent):
            part = self._part(event.output_index, event.content_index)
            snapshot = event.delta
            if part is not None:
                part.text = snapshot = (part.text or "") + event.delta
            plan = self._plan
            if plan is not None and plan.content is not None:
                item = self._item(event.output_index)
                if item is None or item.phase is None or item.phase == "final_answer":
                    parsed = self._partial((event.output_index, event.content_index), event.delta)
                    return msgspec.structs.replace(event, snapshot=snapshot, parsed=parsed)
            return msgspec.structs.replace(event, snapshot=snapshot)
        elif isinstance(event, ResponseRefusalDeltaEvent):
            part = self._part(event.output_index, event.content_index)
            snapshot = event.delta
            if part is not None:
                part.refusal = snapshot = (part.refusal or "") + event.delta
            return msgspec.structs.replace(event, snapshot=snapshot)
        elif isinstance(event, ResponseTextDoneEvent):
            part = self._part(event.output_index, event.content_index)
            if part is not None:
                part.text = event.text
            if self._plan is not None and self._plan.content is not None:
                item = self._item(event.output_index)
                parsed = self._plan.parse_text(event.text, item.phase if item is not None else None)
                return msgspec.structs.replace(event, parsed=parsed)
        elif isinstance(event, ResponseFunctionCallArgumentsDeltaEvent):
            item = self._item(event.output_index)
            snapshot = event.delta
            if item is not None:
                item.arguments = snapshot = (item.arguments or "") + event.delta
                plan = self._plan
                if plan is not None and item.name in plan.tools:
                    partial = self._partial((event.output_index, -1), event.delta)
                    return msgspec.structs.replace(event, snapshot=snapshot, parsed_arguments=partial)
            return msgspec.structs.replace(event, snapshot=snapshot)
        elif isinstance(event, ResponseFunctionCallArgumentsDoneEvent):
            item = self._item(event.output_index)
            if item is not None:
                item.arguments = event.arguments
            name = event.name or (item.name if item is not None else None)
            plan = self._plan
            if plan is not None and name is not None and name in plan.tools:
                parsed_arguments = plan.parse_arguments(name, event.arguments)
                return msgspec.structs.replace(event, parsed_arguments=parsed_arguments)
        return event

    def _item(self, index: int) -> ResponseOutputItem | None:
        snapshot = self._snapshot
        if snapshot is None or index >= len(snapshot.output):
            return None
        return snapshot.output[index]

    def _part(self, output_index: int, content_index: int) -> Any:
        item = self._item(output_index)
        if item is None or item.content is None or content_index >= len(item.content):
            return None
        return item.content[content_index]

    def _set_item(self, index: int, item: ResponseOutputItem) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            return
        output = snapshot.output = list(snapshot.output)
        while len(output) <= index:
            output.append(item)
        output[index] = item


T = TypeVar("T")


class ResponseStream(
    AccumulatingStream[ResponseStreamEvent, ResponseStreamEvent, ResponseStreamState], Generic[T]
):
    """The events of one streamed response. Iterate it once, or call :meth:`until_done` /
    :meth:`get_final_response`."""

    __slots__ = ()

    def __init__(self, raw: AsyncStream[ResponseStreamEvent], state: ResponseStreamState | None = None):
        super().__init__(raw, state if state is not None else ResponseStreamState())

    def _events(self) -> AsyncIterator[ResponseStreamEvent]:
        return _events(self._raw, self._state)

    def _event_batches(self) -> AsyncIterator[list[ResponseStreamEvent]]:
        return _event_batches(self._raw, self._state)

    @property
    def current_snapshot(self) -> Response | None:
        return self._state.current_snapshot

    async def get_final_response(self) -> ParsedResponse[T]:
        """Read to the end and return the response of the terminal event (completed, failed or
        incomplete: check ``status``), as a :class:`ParsedResponse` (``output_parsed`` is filled when
        the stream was opened with ``text_format=T``)."""
        await self.until_done()
        final = self._state.parsed_final_response()
        if final is None:
            raise RuntimeError("the stream ended without a response.completed/failed/incomplete event")
        return final


async def _events(
    raw: AsyncStream[ResponseStreamEvent], state: ResponseStreamState
) -> AsyncIterator[ResponseStreamEvent]:
    handle = state.handle_event
    async for event in raw:
        yield handle(event)


async def _event_batches(
    raw: AsyncStream[ResponseStreamEvent], state: ResponseStreamState
) -> AsyncIterator[list[ResponseStreamEvent]]:
    handle = state.handle_event
    slices = sliced(raw.iter_batches())
    try:
        async for events in slices:
            yield [handle(event) for event in events]
    finally:
        await aclose_all(slices)


class ResponseStreamManager(Generic[T]):
    """``async with`` sends the request and gives a :class:`ResponseStream`; leaving closes it."""

    __slots__ = ("_open", "_plan", "_stream")

    def __init__(
        self,
        open_stream: Callable[[], Awaitable[AsyncStream[ResponseStreamEvent]]],
        plan: ResponsesParsePlan | None = None,
    ) -> None:
        self._open = open_stream
        self._plan = plan
        self._stream: ResponseStream[T] | None = None

    async def __aenter__(self) -> ResponseStream[T]:
        if self._stream is not None:
            raise RuntimeError("this stream manager was entered already; open a new stream")
        self._stream = ResponseStream(await self._open(), ResponseStreamState(self._plan))
        return self._stream

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._stream is not None:
            await self._stream.aclose()


def open_response_stream(
    client: ResourceClient,
    *,
    response_id: str | None = None,
    starting_after: int | None = None,
    **params: Any,
) -> ResponseStreamManager[Any]:
    """Stream a new response (``model=``, ``input=`` and the other ``responses.create`` parameters, plus
    request options such as ``timeout=`` or ``extra_headers=``) or resume an existing one
    (``response_id=``, optionally ``starting_after=`` the last sequence number seen, and ``include=``)."""
    text_format = params.pop("text_format", None)
    options: dict[str, Any] = {k: v for k, v in params.items() if k in _OPTION_KEYS}
    fields = {k: v for k, v in params.items() if k not in _OPTION_KEYS}
    if response_id is not None:
        extra = set(fields) - {"include"}
        if extra:
            raise TypeError(f"resuming a response (response_id=...) takes no {', '.join(sorted(extra))}")
        path = f"/responses/{path_param(response_id, 'response_id')}"
        query: dict[str, object] | None = {"stream": True}
        if starting_after is not None:
            query["starting_after"] = starting_after
        if "include" in fields:
            query["include"] = fields["include"]
        method: str = "get"
        body: dict[str, object] | None = None
        plan = ResponsesParsePlan(output_type(text_format), {}) if text_format is not None else None
    else:
        if starting_after is not None:
            raise TypeError("starting_after is only for resuming a response (response_id=...)")
        path, query, method = "/responses", None, "post"
        body = {**fields, "stream": True}
        plan = plan_responses_parse(body, text_format)  # a type becomes its strict text.format

    async def open_stream() -> AsyncStream[ResponseStreamEvent]:
        stream: AsyncStream[ResponseStreamEvent] = await client._request(
            method,
            path,
            cast_to=FullResponse,
            body=body,
            query=query,
            options=RequestOptions(**options),
            stream_cls=_EVENTS,
        )
        return stream

    return ResponseStreamManager(open_stream, plan)


def response_stream_method(
    self: AsyncAPIResource,
    *,
    response_id: str | None = None,
    starting_after: int | None = None,
    **params: Any,
) -> ResponseStreamManager[Any]:
    """The same as :func:`open_response_stream`, as a method: ``stream = response_stream_method`` in the
    ``responses`` resource class makes ``client.responses.stream(...)``."""
    return open_response_stream(
        self._client, response_id=response_id, starting_after=starting_after, **params
    )
