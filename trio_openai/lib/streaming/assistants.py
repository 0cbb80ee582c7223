"""Assistants run streams: ``client.beta.threads.runs.stream(...)``, ``.create_and_stream(...)``,
``.submit_tool_outputs_stream(...)`` and ``client.beta.threads.create_and_run_stream(...)``::

    async with client.beta.threads.runs.stream(thread_id=t.id, assistant_id=a.id) as stream:
        async for text in stream.text_deltas:
            print(text, end="")
        run = await stream.get_final_run()

The stream hands out the run's events (``AssistantStreamEvent``: ``event.event`` names it, ``event.data``
is the run, step, message or delta) and keeps what they say: the current run, the messages and run steps
so far, each text part's text. An :class:`AssistantEventHandler` (subclass it, override the ``on_*``
methods, plain or ``async``) gets called for each event as it is read: pass ``event_handler=``.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, Unpack

from ..._core._deprecation import undeprecated
from ..._core._errors import APITimeoutError
from ..._core._options import Omit, RequestOptions, omit, reject_unknown_options
from ._iteration import aclose_all, flatten, sliced

if TYPE_CHECKING:
    from ..._blocking._bridge import SyncAPIResource
    from ..._core._resource import AsyncAPIResource
    from ..._core._response import AsyncAPIResponse
    from ..._core._streaming import AsyncStream
    from ...types import (
        AssistantsApiResponseFormatOptionParam,
        AssistantsApiToolChoiceOptionParam,
        AssistantStreamEvent,
        AssistantToolsCodeParam,
        AssistantToolsFileSearchParam,
        AssistantToolsFunctionParam,
        CreateMessageRequestParam,
        CreateThreadAndRunToolResourcesParam,
        CreateThreadRequestParam,
        SubmitToolOuputsToRunToolOutputsItemParam,
        TruncationObjectParam,
    )


__all__ = [
    "AssistantEventHandler",
    "AssistantStream",
    "AssistantStreamManager",
    "create_and_run_stream",
    "runs_create_and_stream",
    "runs_stream",
    "runs_submit_tool_outputs_stream",
]

_RUN_STEP_DONE = frozenset({"completed", "failed", "cancelled", "expired"})


class AssistantEventHandler:
    """Callbacks for the events of a run stream; every one does nothing unless overridden. A callback
    may be a plain method or a coroutine method (awaited before the next event is read)."""

    def on_event(self, event: AssistantStreamEvent) -> Any:
        """Every event, before the more specific callbacks below."""

    def on_run_step_created(self, run_step: Any) -> Any:
        """A run step began (``thread.run.step.created``)."""

    def on_run_step_delta(self, delta: Any, snapshot: Any) -> Any:
        """A change to the current run step; ``snapshot`` is the step as last announced."""

    def on_run_step_done(self, run_step: Any) -> Any:
        """A run step ended (completed, failed, cancelled or expired)."""

    def on_tool_call_created(self, tool_call: Any) -> Any:
        """The first delta of a tool call (by its index in the step)."""

    def on_tool_call_delta(self, delta: Any, snapshot: Any) -> Any:
        """A change to a tool call; ``snapshot`` is its first delta."""

    def on_tool_call_done(self, tool_call: Any) -> Any:
        """A tool call of a finished run step."""

    def on_message_created(self, message: Any) -> Any:
        """A message began (``thread.message.created``)."""

    def on_message_delta(self, delta: Any, snapshot: Any) -> Any:
        """A change to a message; ``snapshot`` is the message as last announced."""

    def on_message_done(self, message: Any) -> Any:
        """A message is complete (``thread.message.completed`` or ``.incomplete``)."""

    def on_text_created(self, text: str) -> Any:
        """The first text of a message's text part."""

    def on_text_delta(self, delta: str, snapshot: str) -> Any:
        """More text of a part: ``delta`` is the new text, ``snapshot`` the part's text so far."""

    def on_text_done(self, text: str) -> Any:
        """A text part of a completed message (its full text)."""

    def on_image_file_done(self, image_file: Any) -> Any:
        """An image file part of a completed message."""

    def on_end(self) -> Any:
        """The stream ended (the ``done`` event or the end of the response)."""

    def on_exception(self, exception: BaseException) -> Any:
        """Reading the stream failed with ``exception`` (raised after this returns)."""

    def on_timeout(self) -> Any:
        """Reading the stream timed out (``APITimeoutError``, raised after this returns)."""


async def _call(fn: Callable[..., Any], *args: Any) -> None:
    result = fn(*args)
    if inspect.isawaitable(result):
        await result


class _State:
    """What the events said so far."""

    def __init__(self, handler: AssistantEventHandler | None) -> None:
        self.handler = handler
        self.current_event: AssistantStreamEvent | None = None
        self.current_run: Any = None
        self.messages: dict[str, Any] = {}
        self.steps: dict[str, Any] = {}
        self.current_message: Any = None
        self.current_step: Any = None
        self.texts: dict[tuple[str, int], str] = {}
        self.tool_calls: dict[tuple[str, int], Any] = {}
        self.errors: list[Any] = []
        self.ended = False

    async def handle(self, event: AssistantStreamEvent, text_out: list[str] | None = None) -> None:
        self.current_event = event
        name: str = getattr(event, "event", "")
        data: Any = getattr(event, "data", None)
        h = self.handler
        if h is not None:
            await _call(h.on_event, event)
        if name.startswith("thread.run.step."):
            await self._step(name, data)
        elif name.startswith("thread.run."):
            self.current_run = data
        elif name.startswith("thread.message."):
            await self._message(name, data, text_out)
        elif name == "error":
            self.errors.append(data)
        elif name == "done":
            await self.end()

    async def end(self) -> None:
        if not self.ended:
            self.ended = True
            if self.handler is not None:
                await _call(self.handler.on_end)

    async def _step(self, name: str, data: Any) -> None:
        h = self.handler
        if name == "thread.run.step.delta":
            snapshot = self.steps.get(getattr(data, "id", ""))
            if h is not None:
                await _call(h.on_run_step_delta, data, snapshot)
            details = getattr(getattr(data, "delta", None), "step_details", None)
            for call in getattr(details, "tool_calls", None) or ():
                key = (getattr(data, "id", ""), int(getattr(call, "index", 0)))
                first = key not in self.tool_calls
                self.tool_calls.setdefault(key, call)
                if h is not None:
                    if first:
                        await _call(h.on_tool_call_created, call)
                    await _call(h.on_tool_call_delta, call, self.tool_calls[key])
            return
        self.steps[getattr(data, "id", "")] = data
        self.current_step = data
        if h is None:
            return
        if name == "thread.run.step.created":
            await _call(h.on_run_step_created, data)
        elif getattr(data, "status", None) in _RUN_STEP_DONE:
            for call in getattr(getattr(data, "step_details", None), "tool_calls", None) or ():
                await _call(h.on_tool_call_done, call)
            await _call(h.on_run_step_done, data)

    async def _message(self, name: str, data: Any, text_out: list[str] | None) -> None:
        h = self.handler
        message_id: str = getattr(data, "id", "")
        if name == "thread.message.delta":
            snapshot = self.messages.get(message_id)
            if h is not None:
                await _call(h.on_message_delta, data, snapshot)
            for part in getattr(getattr(data, "delta", None), "content", None) or ():
                text = getattr(getattr(part, "text", None), "value", None)
                if not isinstance(text, str):
                    continue
                key = (message_id, int(getattr(part, "index", 0)))
                first = key not in self.texts
                self.texts[key] = self.texts.get(key, "") + text
                if text_out is not None:
                    text_out.append(text)
                if h is not None:
                    if first:
                        await _call(h.on_text_created, text)
                    await _call(h.on_text_delta, text, self.texts[key])
            return
        self.messages[message_id] = data
        self.current_message = data
        if h is None:
            return
        if name == "thread.message.created":
            await _call(h.on_message_created, data)
        elif name in ("thread.message.completed", "thread.message.incomplete"):
            for part in getattr(data, "content", None) or ():
                kind = getattr(part, "type", None)
                if kind == "text":
                    await _call(h.on_text_done, getattr(getattr(part, "text", None), "value", ""))
                elif kind == "image_file":
                    await _call(h.on_image_file_done, getattr(part, "image_file", None))
            await _call(h.on_message_done, data)


class AssistantStream:
    """The events of one run stream and what they said. Iterate it once (or ``text_deltas``), or call
    :meth:`until_done` / the ``get_final_*`` methods, which read to the end."""

    def __init__(self, raw: AsyncStream[AssistantStreamEvent], handler: AssistantEventHandler | None) -> None:
        self._raw = raw
        self._state = _State(handler)
        self._iterator: AsyncIterator[AssistantStreamEvent] | None = None
        self._batches: AsyncIterator[list[AssistantStreamEvent]] | None = None

    @property
    def response(self) -> AsyncAPIResponse[Any]:
        return self._raw.response

    @property
    def request_id(self) -> str | None:
        return self._raw.request_id

    @property
    def event_handler(self) -> AssistantEventHandler | None:
        return self._state.handler

    @property
    def current_event(self) -> AssistantStreamEvent | None:
        return self._state.current_event

    @property
    def current_run(self) -> Any:
        """The run as the last ``thread.run.*`` event gave it (``None`` before the first)."""
        return self._state.current_run

    @property
    def current_message_snapshot(self) -> Any:
        return self._state.current_message

    @property
    def current_run_step_snapshot(self) -> Any:
        return self._state.current_step

    async def _guarded(
        self, source: AsyncIterator[Any], each: Callable[[Any], Awaitable[None]]
    ) -> AsyncIterator[Any]:
        handler = self._state.handler
        try:
            async for item in source:
                await each(item)
                yield item
        except APITimeoutError:
            if handler is not None:
                await _call(handler.on_timeout)
            raise
        except Exception as exc:
            if handler is not None:
                await _call(handler.on_exception, exc)
            raise
        await self._state.end()

    def __aiter__(self) -> AsyncIterator[AssistantStreamEvent]:
        if self._iterator is None:
            if self._batches is not None:
                self._iterator = flatten(self._batches)
            else:
                self._iterator = self._guarded(aiter(self._raw), self._state.handle)
        return self._iterator

    async def __anext__(self) -> AssistantStreamEvent:
        return await self.__aiter__().__anext__()

    def iter_batches(self) -> AsyncIterator[list[AssistantStreamEvent]]:
        """The events in lists, one per network read (the blocking stream crosses threads per list)."""
        if self._iterator is not None:
            raise RuntimeError("this stream is already being iterated")
        if self._batches is None:

            async def each(batch: list[AssistantStreamEvent]) -> None:
                for event in batch:
                    await self._state.handle(event)

            self._batches = self._guarded(sliced(self._raw.iter_batches()), each)
        return self._batches

    @property
    def text_deltas(self) -> AsyncIterator[str]:
        """The text of the messages' text parts as it arrives (reads the events on the way)."""
        return self._text_deltas()

    async def _text_deltas(self) -> AsyncIterator[str]:
        async for event in self:
            if getattr(event, "event", "") != "thread.message.delta":
                continue
            for part in getattr(getattr(getattr(event, "data", None), "delta", None), "content", None) or ():
                text = getattr(getattr(part, "text", None), "value", None)
                if isinstance(text, str):
                    yield text

    async def until_done(self) -> AssistantStream:
        async for _ in self:
            pass
        return self

    async def get_final_run(self) -> Any:
        """Read to the end; the run as the stream left it (raises if no run event came)."""
        await self.until_done()
        if self._state.current_run is None:
            raise RuntimeError("the stream ended without a thread.run event")
        return self._state.current_run

    async def get_final_messages(self) -> list[Any]:
        """Read to the end; every message the run wrote, as last given (in order of creation)."""
        await self.until_done()
        return list(self._state.messages.values())

    async def get_final_run_steps(self) -> list[Any]:
        await self.until_done()
        return list(self._state.steps.values())

    async def get_final_text(self) -> str:
        """Read to the end; the text of every text part, joined."""
        await self.until_done()
        return "".join(self._state.texts.values())

    async def aclose(self) -> None:
        try:
            await aclose_all(self._iterator, self._batches)
        finally:
            await self._raw.aclose()

    close = aclose

    async def __aenter__(self) -> AssistantStream:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class AssistantStreamManager:
    """``async with`` sends the request and gives an :class:`AssistantStream`; leaving closes it."""

    def __init__(
        self,
        open_stream: Callable[[], Awaitable[AsyncStream[AssistantStreamEvent]]],
        handler: AssistantEventHandler | None,
    ) -> None:
        self._open = open_stream
        self._handler = handler
        self._stream: AssistantStream | None = None

    async def __aenter__(self) -> AssistantStream:
        if self._stream is not None:
            raise RuntimeError("this stream manager was entered already; open a new stream")
        self._stream = AssistantStream(await self._open(), self._handler)
        return self._stream

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._stream is not None:
            await self._stream.aclose()


def _check_handler(handler: object) -> AssistantEventHandler | None:
    if handler is not None and not isinstance(handler, AssistantEventHandler):
        raise TypeError(f"event_handler must be an AssistantEventHandler, not {type(handler).__name__}")
    return handler


def _given(**params: object) -> dict[str, object]:
    return {name: value for name, value in params.items() if value is not omit}


def _manager(
    resource: AsyncAPIResource,
    method: str,
    args: tuple[Any, ...],
    params: dict[str, object],
    options: RequestOptions,
    handler: object,
) -> AssistantStreamManager:
    checked = _check_handler(handler)
    if options:
        if "stream" in options:
            raise TypeError("a *_stream helper always streams: leave out stream=")
        reject_unknown_options(options, f"{type(resource).__name__}.{method}_stream")
    call: Callable[..., Awaitable[Any]] = undeprecated(getattr(type(resource), method))

    async def open_stream() -> AsyncStream[AssistantStreamEvent]:
        stream: AsyncStream[AssistantStreamEvent] = await call(
            resource, *args, stream=True, **params, **options
        )
        return stream

    return AssistantStreamManager(open_stream, checked)


def runs_stream(
    self: AsyncAPIResource,
    *,
    assistant_id: str,
    include: Iterable[Literal["step_details.tool_calls[*].file_search.results[*].content"]] | Omit = omit,
    additional_instructions: str | Omit | None = omit,
    additional_messages: Iterable[CreateMessageRequestParam] | Omit | None = omit,
    instructions: str | Omit | None = omit,
    max_completion_tokens: int | Omit | None = omit,
    max_prompt_tokens: int | Omit | None = omit,
    metadata: dict[str, str] | Omit | None = omit,
    model: str | Omit | None = omit,
    parallel_tool_calls: bool | Omit = omit,
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"]
    | Omit
    | None = omit,
    response_format: AssistantsApiResponseFormatOptionParam | Omit = omit,
    temperature: float | Omit | None = omit,
    tool_choice: AssistantsApiToolChoiceOptionParam | Omit | None = omit,
    tools: Iterable[AssistantToolsCodeParam | AssistantToolsFileSearchParam | AssistantToolsFunctionParam]
    | Omit
    | None = omit,
    top_p: float | Omit | None = omit,
    truncation_strategy: TruncationObjectParam | Omit | None = omit,
    thread_id: str,
    event_handler: AssistantEventHandler | None = None,
    **options: Unpack[RequestOptions],
) -> AssistantStreamManager:
    """Create a run of ``thread_id`` and stream it (the ``runs.create`` parameters and request options)."""
    params = _given(
        assistant_id=assistant_id,
        include=include,
        additional_instructions=additional_instructions,
        additional_messages=additional_messages,
        instructions=instructions,
        max_completion_tokens=max_completion_tokens,
        max_prompt_tokens=max_prompt_tokens,
        metadata=metadata,
        model=model,
        parallel_tool_calls=parallel_tool_calls,
        reasoning_effort=reasoning_effort,
        response_format=response_format,
        temperature=temperature,
        tool_choice=tool_choice,
        tools=tools,
        top_p=top_p,
        truncation_strategy=truncation_strategy,
    )
    return _manager(self, "create", (thread_id,), params, options, event_handler)


def runs_create_and_stream(
    self: AsyncAPIResource,
    *,
    assistant_id: str,
    additional_instructions: str | Omit | None = omit,
    additional_messages: Iterable[CreateMessageRequestParam] | Omit | None = omit,
    instructions: str | Omit | None = omit,
    max_completion_tokens: int | Omit | None = omit,
    max_prompt_tokens: int | Omit | None = omit,
    metadata: dict[str, str] | Omit | None = omit,
    model: str | Omit | None = omit,
    parallel_tool_calls: bool | Omit = omit,
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"]
    | Omit
    | None = omit,
    response_format: AssistantsApiResponseFormatOptionParam | Omit = omit,
    temperature: float | Omit | None = omit,
    tool_choice: AssistantsApiToolChoiceOptionParam | Omit | None = omit,
    tools: Iterable[AssistantToolsCodeParam | AssistantToolsFileSearchParam | AssistantToolsFunctionParam]
    | Omit
    | None = omit,
    top_p: float | Omit | None = omit,
    truncation_strategy: TruncationObjectParam | Omit | None = omit,
    thread_id: str,
    event_handler: AssistantEventHandler | None = None,
    **options: Unpack[RequestOptions],
) -> AssistantStreamManager:
    """The older name of :func:`runs_stream` (the same parameters, less ``include``)."""
    params = _given(
        assistant_id=assistant_id,
        additional_instructions=additional_instructions,
        additional_messages=additional_messages,
        instructions=instructions,
        max_completion_tokens=max_completion_tokens,
        max_prompt_tokens=max_prompt_tokens,
        metadata=metadata,
        model=model,
        parallel_tool_calls=parallel_tool_calls,
        reasoning_effort=reasoning_effort,
        response_format=response_format,
        temperature=temperature,
        tool_choice=tool_choice,
        tools=tools,
        top_p=top_p,
        truncation_strategy=truncation_strategy,
    )
    return _manager(self, "create", (thread_id,), params, options, event_handler)


def runs_submit_tool_outputs_stream(
    self: AsyncAPIResource,
    *,
    tool_outputs: Iterable[SubmitToolOuputsToRunToolOutputsItemParam],
    run_id: str,
    thread_id: str,
    event_handler: AssistantEventHandler | None = None,
    **options: Unpack[RequestOptions],
) -> AssistantStreamManager:
    """Submit tool outputs to a run that requires action and stream the rest of the run."""
    params: dict[str, object] = {"thread_id": thread_id, "tool_outputs": tool_outputs}
    return _manager(self, "submit_tool_outputs", (run_id,), params, options, event_handler)


def create_and_run_stream(
    self: AsyncAPIResource,
    *,
    assistant_id: str,
    instructions: str | Omit | None = omit,
    max_completion_tokens: int | Omit | None = omit,
    max_prompt_tokens: int | Omit | None = omit,
    metadata: dict[str, str] | Omit | None = omit,
    model: str | Omit | None = omit,
    parallel_tool_calls: bool | Omit = omit,
    response_format: AssistantsApiResponseFormatOptionParam | Omit = omit,
    temperature: float | Omit | None = omit,
    thread: CreateThreadRequestParam | Omit = omit,
    tool_choice: AssistantsApiToolChoiceOptionParam | Omit | None = omit,
    tool_resources: CreateThreadAndRunToolResourcesParam | Omit | None = omit,
    tools: Iterable[AssistantToolsCodeParam | AssistantToolsFileSearchParam | AssistantToolsFunctionParam]
    | Omit
    | None = omit,
    top_p: float | Omit | None = omit,
    truncation_strategy: TruncationObjectParam | Omit | None = omit,
    event_handler: AssistantEventHandler | None = None,
    **options: Unpack[RequestOptions],
) -> AssistantStreamManager:
    """Create a thread and a run of it, and stream the run (the ``threads.create_and_run`` parameters)."""
    params = _given(
        assistant_id=assistant_id,
        instructions=instructions,
        max_completion_tokens=max_completion_tokens,
        max_prompt_tokens=max_prompt_tokens,
        metadata=metadata,
        model=model,
        parallel_tool_calls=parallel_tool_calls,
        response_format=response_format,
        temperature=temperature,
        thread=thread,
        tool_choice=tool_choice,
        tool_resources=tool_resources,
        tools=tools,
        top_p=top_p,
        truncation_strategy=truncation_strategy,
    )
    return _manager(self, "create_and_run", (), params, options, event_handler)


# --- blocking ------------------------------------------------------------------------------------------


from ._sync_base import SyncHelperStream, SyncHelperStreamManager  # noqa: E402  # light: the blocking bases


class SyncAssistantStream(SyncHelperStream["AssistantStreamEvent", AssistantStream]):
    """A run stream for blocking code: the events (``for event in stream``) and what they said."""

    __slots__ = ()

    @property
    def current_run(self) -> Any:
        return self._async.current_run

    @property
    def current_event(self) -> AssistantStreamEvent | None:
        return self._async.current_event

    def get_final_run(self) -> Any:
        return self._portal.call(self._async.get_final_run)

    def get_final_messages(self) -> list[Any]:
        return self._portal.call(self._async.get_final_messages)

    def get_final_run_steps(self) -> list[Any]:
        return self._portal.call(self._async.get_final_run_steps)

    def get_final_text(self) -> str:
        return self._portal.call(self._async.get_final_text)


SyncAssistantStreamManager: TypeAlias = "SyncHelperStreamManager[AssistantStream, SyncAssistantStream]"
"""What the blocking helpers give: ``with`` sends the request and gives a :class:`SyncAssistantStream`."""


def sync_runs_stream(
    self: SyncAPIResource[Any],
    *,
    assistant_id: str,
    include: Iterable[Literal["step_details.tool_calls[*].file_search.results[*].content"]] | Omit = omit,
    additional_instructions: str | Omit | None = omit,
    additional_messages: Iterable[CreateMessageRequestParam] | Omit | None = omit,
    instructions: str | Omit | None = omit,
    max_completion_tokens: int | Omit | None = omit,
    max_prompt_tokens: int | Omit | None = omit,
    metadata: dict[str, str] | Omit | None = omit,
    model: str | Omit | None = omit,
    parallel_tool_calls: bool | Omit = omit,
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"]
    | Omit
    | None = omit,
    response_format: AssistantsApiResponseFormatOptionParam | Omit = omit,
    temperature: float | Omit | None = omit,
    tool_choice: AssistantsApiToolChoiceOptionParam | Omit | None = omit,
    tools: Iterable[AssistantToolsCodeParam | AssistantToolsFileSearchParam | AssistantToolsFunctionParam]
    | Omit
    | None = omit,
    top_p: float | Omit | None = omit,
    truncation_strategy: TruncationObjectParam | Omit | None = omit,
    thread_id: str,
    event_handler: AssistantEventHandler | None = None,
    **options: Unpack[RequestOptions],
) -> SyncAssistantStreamManager:
    """``with client.beta.threads.runs.stream(thread_id=..., assistant_id=...) as stream`` (blocking)."""
    params = {k: v for k, v in locals().items() if k not in ("self", "options")}
    return SyncHelperStreamManager(
        runs_stream(self._async, **params, **options), self._client, SyncAssistantStream
    )


def sync_runs_create_and_stream(
    self: SyncAPIResource[Any],
    *,
    assistant_id: str,
    additional_instructions: str | Omit | None = omit,
    additional_messages: Iterable[CreateMessageRequestParam] | Omit | None = omit,
    instructions: str | Omit | None = omit,
    max_completion_tokens: int | Omit | None = omit,
    max_prompt_tokens: int | Omit | None = omit,
    metadata: dict[str, str] | Omit | None = omit,
    model: str | Omit | None = omit,
    parallel_tool_calls: bool | Omit = omit,
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"]
    | Omit
    | None = omit,
    response_format: AssistantsApiResponseFormatOptionParam | Omit = omit,
    temperature: float | Omit | None = omit,
    tool_choice: AssistantsApiToolChoiceOptionParam | Omit | None = omit,
    tools: Iterable[AssistantToolsCodeParam | AssistantToolsFileSearchParam | AssistantToolsFunctionParam]
    | Omit
    | None = omit,
    top_p: float | Omit | None = omit,
    truncation_strategy: TruncationObjectParam | Omit | None = omit,
    thread_id: str,
    event_handler: AssistantEventHandler | None = None,
    **options: Unpack[RequestOptions],
) -> SyncAssistantStreamManager:
    """The older name of ``runs.stream`` (blocking)."""
    params = {k: v for k, v in locals().items() if k not in ("self", "options")}
    return SyncHelperStreamManager(
        runs_create_and_stream(self._async, **params, **options), self._client, SyncAssistantStream
    )


def sync_runs_submit_tool_outputs_stream(
    self: SyncAPIResource[Any],
    *,
    tool_outputs: Iterable[SubmitToolOuputsToRunToolOutputsItemParam],
    run_id: str,
    thread_id: str,
    event_handler: AssistantEventHandler | None = None,
    **options: Unpack[RequestOptions],
) -> SyncAssistantStreamManager:
    """``with client.beta.threads.runs.submit_tool_outputs_stream(...) as stream`` (blocking)."""
    params = {k: v for k, v in locals().items() if k not in ("self", "options")}
    return SyncHelperStreamManager(
        runs_submit_tool_outputs_stream(self._async, **params, **options), self._client, SyncAssistantStream
    )


def sync_create_and_run_stream(
    self: SyncAPIResource[Any],
    *,
    assistant_id: str,
    instructions: str | Omit | None = omit,
    max_completion_tokens: int | Omit | None = omit,
    max_prompt_tokens: int | Omit | None = omit,
    metadata: dict[str, str] | Omit | None = omit,
    model: str | Omit | None = omit,
    parallel_tool_calls: bool | Omit = omit,
    response_format: AssistantsApiResponseFormatOptionParam | Omit = omit,
    temperature: float | Omit | None = omit,
    thread: CreateThreadRequestParam | Omit = omit,
    tool_choice: AssistantsApiToolChoiceOptionParam | Omit | None = omit,
    tool_resources: CreateThreadAndRunToolResourcesParam | Omit | None = omit,
    tools: Iterable[AssistantToolsCodeParam | AssistantToolsFileSearchParam | AssistantToolsFunctionParam]
    | Omit
    | None = omit,
    top_p: float | Omit | None = omit,
    truncation_strategy: TruncationObjectParam | Omit | None = omit,
    event_handler: AssistantEventHandler | None = None,
    **options: Unpack[RequestOptions],
) -> SyncAssistantStreamManager:
    """``with client.beta.threads.create_and_run_stream(assistant_id=...) as stream`` (blocking)."""
    params = {k: v for k, v in locals().items() if k not in ("self", "options")}
    return SyncHelperStreamManager(
        create_and_run_stream(self._async, **params, **options), self._client, SyncAssistantStream
    )
