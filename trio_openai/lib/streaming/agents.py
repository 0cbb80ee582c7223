"""Agent session turns: ``client.beta.agents.sessions.stream(session_id, input=...)``::

    async with client.beta.agents.sessions.stream(session.id, input="Summarise the logs") as turn:
        async for event in turn:                  # AgentSessionEvent, until the session is idle again
            if event.type == "agent.session.turn.output_text.delta":
                print(event.delta, end="")
        result = await turn.get_final_result()    # AgentTurnResult: turn, messages, output_text
    artifacts = client.beta.agents.sessions.artifacts.for_result(result)

Entering (or the first step of iteration) sends three requests: the session (it must be ``idle``), its
event stream (subscribed before the input goes out, so no event of the turn is missed), and the input
message. The events end once the turn has begun and the session is ``idle`` or ``failed`` again; the
connection is closed then. A stream that ends earlier raises ``RuntimeError``.

``tool_handlers`` maps function tool names to callables taking the call's arguments (a ``dict``) and
returning its output (``str``, a JSON-able mapping, a list of input content parts, or ``None``); an async
client's handler may be a coroutine function. A call is handled when its ``turn.item.added`` event has
been read, before the next event is read, and its result is submitted as a ``tool_result`` input. A
handler that raises (or returns something else) submits a failed result (``"Tool handler failed."``)
after ``on_tool_error`` got an :class:`AgentToolError`. The blocking client runs its handlers in a
worker thread, so a handler may use the blocking client itself.

Cancellation (``trio.move_on_after`` around any step, or leaving the ``async with`` early) closes the
event stream's connection; nothing is left in flight.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, Self, TypeAlias, TypeVar, cast

import trio

from ..._core._options import NOT_GIVEN, NotGiven, Omit, omit
from .._agent_results import AgentTurnResult, AgentTurnResultError, ResultErrorReason, parse_result

if TYPE_CHECKING:
    from ..._blocking._bridge import SyncAPIResource
    from ..._blocking._interfaces import BlockingClient
    from ..._core._options import Timeout
    from ..._core._portal import BlockingContextManager
    from ..._core._resource import AsyncAPIResource
    from ..._core._streaming import AsyncStream
    from ...types import AgentSessionEvent, AgentSessionInputMessageParam, Turn

__all__ = [
    "AgentSessionStream",
    "AgentToolError",
    "AsyncAgentSessionStream",
    "AsyncToolErrorHandler",
    "AsyncToolHandler",
    "ToolErrorHandler",
    "ToolErrorStage",
    "ToolHandler",
    "ToolOutput",
    "sessions_stream",
    "sync_sessions_stream",
]

OutputT = TypeVar("OutputT")

ToolOutput: TypeAlias = "str | Mapping[str, Any] | Iterable[Mapping[str, Any]] | None"
"""What a tool handler returns: text, a mapping (sent as compact JSON), input content parts, or nothing."""
ToolHandler: TypeAlias = "Callable[[dict[str, Any]], ToolOutput]"
AsyncToolHandler: TypeAlias = "Callable[[dict[str, Any]], ToolOutput | Awaitable[ToolOutput]]"
ToolErrorStage = Literal["arguments", "execution", "output"]


@dataclass(frozen=True)
class AgentToolError:
    """A tool handler failed: ``stage`` says where (decoding the ``arguments``, the handler's
    ``execution``, or turning its ``output`` into a tool result)."""

    error: Exception
    tool_name: str
    session_id: str
    turn_id: str
    call_id: str
    stage: ToolErrorStage


ToolErrorHandler: TypeAlias = "Callable[[AgentToolError], object]"
AsyncToolErrorHandler: TypeAlias = "Callable[[AgentToolError], object | Awaitable[object]]"

_FAILED = "Tool handler failed."


async def _maybe_await(value: Any) -> Any:
    if inspect.isawaitable(value):
        return await value
    return value


def _input_event(input: str | Iterable[AgentSessionInputMessageParam]) -> dict[str, Any]:
    if isinstance(input, str):
        if not input:
            raise ValueError("input must not be empty")
        messages: list[Any] = [{"role": "user", "content": [{"type": "input_text", "text": input}]}]
    else:
        if isinstance(input, Mapping):
            raise TypeError("input is a string or a list of messages, not one message")
        messages = list(input)
        if not messages:
            raise ValueError("input must not be empty")
    return {"type": "agent.session.input.message", "input": messages}


def _tool_output(output: object) -> str | list[Any] | None:
    kind = type(output).__name__
    if output is None or isinstance(output, str):
        return output
    if isinstance(output, Mapping):
        return json.dumps(output, separators=(",", ":"))
    if isinstance(output, Iterable) and not isinstance(output, (bytes, bytearray)):
        parts: list[Any] = list(cast("Iterable[Any]", output))
        if all(isinstance(p, Mapping) for p in parts):
            return parts
    raise TypeError(f"a tool handler returns str, a mapping, content parts or None, not {kind}")


class _Collector:
    """What the events said about this stream's turn."""

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self.turn: Turn | None = None
        self.messages: dict[str, Any] = {}
        self.required_actions: list[Any] = []
        self.session_failed = False
        self.done = False

    def accept(self, event: Any) -> None:
        kind: str = getattr(event, "type", "")
        if kind.startswith("agent.session.turn."):
            self._turn_event(kind, event)
        elif kind in ("agent.session.idle", "agent.session.failed", "agent.session.requires_action"):
            session = getattr(event, "session", None)
            self.required_actions = list(getattr(session, "required_actions", None) or ())
            if self.turn is not None and kind != "agent.session.requires_action":
                self.session_failed = kind == "agent.session.failed"
                self.done = True

    def _turn_event(self, kind: str, event: Any) -> None:
        turn = getattr(event, "turn", None)
        if self.turn is None:
            if kind == "agent.session.turn.created" and getattr(turn, "subagent_id", None) is None:
                self.turn = turn
            return
        if getattr(event, "turn_id", None) != self.turn.id:
            return
        if turn is not None:
            self.turn = turn
        if kind == "agent.session.turn.item.done":
            item = getattr(event, "item", None)
            if getattr(item, "type", None) == "message":
                self.messages[getattr(item, "id", str(len(self.messages)))] = item

    def error(self, reason: ResultErrorReason) -> AgentTurnResultError:
        return AgentTurnResultError(
            reason,
            turn=self.turn,
            session_id=self.session_id,
            messages=list(self.messages.values()),
            required_actions=list(self.required_actions),
        )

    def result(self) -> AgentTurnResult[Any]:
        turn = self.turn
        if turn is None:
            raise self.error("incomplete")
        status = turn.status
        if self.session_failed or status == "failed":
            raise self.error("failed")
        if status == "cancelled":
            raise self.error("cancelled")
        if status != "completed":
            raise self.error("requires_action" if self.required_actions else "incomplete")
        return AgentTurnResult(turn=turn, messages=list(self.messages.values()))


class AsyncAgentSessionStream(Generic[OutputT]):
    """One turn of an agent session: its events (``async for``), then :meth:`get_final_result`.

    Use it in ``async with`` (or iterate it, which opens it): leaving closes the event stream. Single
    use; not for several tasks at once.
    """

    def __init__(
        self,
        resource: AsyncAPIResource,
        session_id: str,
        *,
        input_event: dict[str, Any],
        output_type: type[OutputT] | None,
        tool_handlers: Mapping[str, AsyncToolHandler],
        on_tool_error: AsyncToolErrorHandler | None,
        options: dict[str, Any],
        idempotency_key: str | None,
    ) -> None:
        self._sessions: Any = resource
        self._session_id = session_id
        self._input_event = input_event
        self._output_type = output_type
        self._handlers = tool_handlers
        self._on_tool_error = on_tool_error
        self._options = options
        self._idempotency_key = idempotency_key
        self._collector = _Collector(session_id)
        self._events: AsyncStream[AgentSessionEvent] | None = None
        self._iterator: AsyncIterator[AgentSessionEvent] | None = None
        self._handled: set[str] = set()
        self._opened = False
        self._closed = False
        self._finished = False

    @property
    def session_id(self) -> str:
        return self._session_id

    @property
    def current_turn(self) -> Turn | None:
        """This stream's turn as the last event gave it (``None`` before it began)."""
        return self._collector.turn

    async def _open(self) -> None:
        if self._opened:
            return
        if self._closed:
            raise RuntimeError("this agent session stream is closed")
        self._opened = True
        session = await self._sessions.retrieve(self._session_id, **self._options)
        if session.status != "idle":
            raise ValueError(
                "sessions.stream requires an idle session (this one is "
                f"{session.status!r}); use sessions.events.stream to follow an active session"
            )
        events: Any = self._sessions.events
        self._events = await events.stream(self._session_id, **self._options)
        post = dict(self._options)
        if self._idempotency_key is not None:
            post["idempotency_key"] = self._idempotency_key
        try:
            await events.create(self._session_id, events=[self._input_event], **post)
        except BaseException:
            await self.aclose()
            raise

    async def __aenter__(self) -> Self:
        await self._open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncIterator[AgentSessionEvent]:
        if self._iterator is None:
            self._iterator = self._iterate()
        return self._iterator

    async def __anext__(self) -> AgentSessionEvent:
        return await self.__aiter__().__anext__()

    async def _iterate(self) -> AsyncIterator[AgentSessionEvent]:
        await self._open()
        events = self._events
        assert events is not None
        collector = self._collector
        async for event in events:
            collector.accept(event)
            yield event
            await self._dispatch(event)
            if collector.done:
                self._finished = True
                await events.aclose()
                return
        raise RuntimeError("Session event stream ended before the turn reached idle or failed")

    async def _dispatch(self, event: Any) -> None:
        if getattr(event, "type", None) != "agent.session.turn.item.added":
            return
        call: Any = getattr(event, "item", None)
        turn = self._collector.turn
        if getattr(call, "type", None) != "function_call" or turn is None or call.turn_id != turn.id:
            return
        handler = self._handlers.get(call.name)
        if handler is None or call.call_id in self._handled:
            return
        self._handled.add(call.call_id)
        result: dict[str, Any] = {
            "type": "agent.session.input.tool_result",
            "turn_id": turn.id,
            "call_id": call.call_id,
        }
        stage: ToolErrorStage = "arguments"
        try:
            arguments = json.loads(call.arguments) if isinstance(call.arguments, str) else call.arguments
            if not isinstance(arguments, dict):
                raise TypeError(f"the call's arguments are not a JSON object: {call.arguments!r}")
            stage = "execution"
            output = await _maybe_await(handler(cast("dict[str, Any]", arguments)))
            stage = "output"
            result.update(success=True, output=_tool_output(output))
        except Exception as exc:
            failure = AgentToolError(exc, call.name, self._session_id, turn.id, call.call_id, stage)
            if self._on_tool_error is not None:
                await _maybe_await(self._on_tool_error(failure))
            result.update(success=False, error=_FAILED)
        await self._sessions.events.create(self._session_id, events=[result], **self._options)

    async def until_done(self) -> None:
        """Read the events to the end of the turn."""
        async for _ in self:
            pass

    def with_result_collection(self) -> Self:
        """The official SDK's opt-in; here the result is always collected (returns this stream)."""
        return self

    async def get_final_result(self) -> AgentTurnResult[OutputT]:
        """Read to the end of the turn; its :class:`AgentTurnResult` (``output_parsed`` filled with
        ``output_type=``). :class:`AgentTurnResultError` when the turn did not complete."""
        if not self._finished:
            await self.until_done()
        result = self._collector.result()
        if self._output_type is not None:
            return parse_result(result, self._output_type)
        return cast("AgentTurnResult[OutputT]", result)

    async def aclose(self) -> None:
        """Close the event stream (idempotent)."""
        self._closed = True
        iterator, self._iterator = self._iterator, None
        try:
            if iterator is not None:
                await cast("Any", iterator).aclose()
        finally:
            if self._events is not None:
                await self._events.aclose()

    close = aclose


def _prepare(
    session_id: str,
    input: str | Iterable[AgentSessionInputMessageParam],
    output_type: object,
    tool_handlers: Mapping[str, Any] | None,
    on_tool_error: object,
) -> tuple[dict[str, Any], dict[str, Any]]:
    if not isinstance(session_id, str) or not session_id:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(f"Expected a non-empty value for `session_id` but received {session_id!r}")
    event = _input_event(input)
    if output_type is not None:
        from .._parsing._schema import output_type as check

        check(output_type)  # TypeError now, not after the turn
    handlers = dict(tool_handlers or {})
    for name, handler in handlers.items():
        if not isinstance(name, str) or not callable(handler):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"tool_handlers maps tool names to callables; {name!r} is {handler!r}")
    if on_tool_error is not None and not callable(on_tool_error):
        raise TypeError("on_tool_error must be callable")
    return event, handlers


def _options(
    extra_headers: Mapping[str, str] | None, timeout: float | Timeout | NotGiven | None
) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if extra_headers is not None:
        options["extra_headers"] = extra_headers
    if not isinstance(timeout, NotGiven):
        options["timeout"] = timeout
    return options


def sessions_stream(
    self: AsyncAPIResource,
    session_id: str,
    *,
    input: str | Iterable[AgentSessionInputMessageParam],
    output_type: type[OutputT] | None = None,
    tool_handlers: Mapping[str, AsyncToolHandler] | None = None,
    on_tool_error: AsyncToolErrorHandler | None = None,
    idempotency_key: str | Omit = omit,
    extra_headers: Mapping[str, str] | None = None,
    timeout: float | Timeout | NotGiven | None = NOT_GIVEN,
) -> AsyncAgentSessionStream[OutputT]:
    """Send ``input`` to the idle session and stream the turn it starts (see the module's docs).

    Nothing is sent until the stream is entered or iterated; bad arguments raise here, before any I/O.
    """
    event, handlers = _prepare(session_id, input, output_type, tool_handlers, on_tool_error)
    return AsyncAgentSessionStream(
        self,
        session_id,
        input_event=event,
        output_type=output_type,
        tool_handlers=handlers,
        on_tool_error=on_tool_error,
        options=_options(extra_headers, timeout),
        idempotency_key=None if isinstance(idempotency_key, Omit) else idempotency_key,
    )


# --- blocking ------------------------------------------------------------------------------------------


class AgentSessionStream(Generic[OutputT]):
    """The blocking face of :class:`AsyncAgentSessionStream`: ``with``, ``for event in stream``,
    ``get_final_result()``. Each step runs in the portal; the tool handlers run in a worker thread."""

    __slots__ = ("_async", "_client", "_cm", "_stream")

    def __init__(self, inner: AsyncAgentSessionStream[OutputT], client: BlockingClient) -> None:
        from ..._blocking._stream import Stream

        self._async = inner
        self._client = client
        self._cm: BlockingContextManager[AsyncAgentSessionStream[OutputT]] | None = None
        self._stream: Stream[AgentSessionEvent] = Stream(inner, client._portal)

    @property
    def session_id(self) -> str:
        return self._async.session_id

    @property
    def current_turn(self) -> Turn | None:
        return self._async.current_turn

    def __enter__(self) -> Self:
        if self._cm is not None:
            raise RuntimeError("this agent session stream was entered already")
        self._cm = self._client._wrap_async_cm(self._async)
        self._cm.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self._stream.close()
        finally:
            if self._cm is not None:
                self._cm.__exit__(exc_type, exc, tb)

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> AgentSessionEvent:
        return next(self._stream)

    def until_done(self) -> None:
        self._client._call(self._async.until_done)

    def with_result_collection(self) -> Self:
        return self

    def get_final_result(self) -> AgentTurnResult[OutputT]:
        return self._client._call(self._async.get_final_result)

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._client._call(self._async.aclose)


def _in_thread(handler: Callable[..., Any]) -> AsyncToolHandler:
    async def run(arguments: dict[str, Any]) -> Any:
        return await trio.to_thread.run_sync(handler, arguments)

    return run


def sync_sessions_stream(
    self: SyncAPIResource[Any],
    session_id: str,
    *,
    input: str | Iterable[AgentSessionInputMessageParam],
    output_type: type[OutputT] | None = None,
    tool_handlers: Mapping[str, ToolHandler] | None = None,
    on_tool_error: ToolErrorHandler | None = None,
    idempotency_key: str | Omit = omit,
    extra_headers: Mapping[str, str] | None = None,
    timeout: float | Timeout | NotGiven | None = NOT_GIVEN,
) -> AgentSessionStream[OutputT]:
    """The blocking ``sessions.stream``: ``with client.beta.agents.sessions.stream(...) as turn``."""
    _prepare(session_id, input, output_type, tool_handlers, on_tool_error)
    handlers = {name: _in_thread(h) for name, h in (tool_handlers or {}).items()}
    on_error: AsyncToolErrorHandler | None = None
    if on_tool_error is not None:
        report = on_tool_error

        async def in_thread(failure: AgentToolError) -> object:
            return await trio.to_thread.run_sync(report, failure)

        on_error = in_thread

    inner: AsyncAgentSessionStream[OutputT] = sessions_stream(
        self._async,
        session_id,
        input=input,
        output_type=output_type,
        tool_handlers=handlers,
        on_tool_error=on_error,
        idempotency_key=idempotency_key,
        extra_headers=extra_headers,
        timeout=timeout,
    )
    return AgentSessionStream(inner, self._client)
