"""ChatCompletionStreamState: chunks in, typed events and the accumulated ChatCompletion out.

Accumulation works on the chunks' plain data (``msgspec.to_builtins``, which leaves out fields that are
unset), with the rules of the API's delta format:

- a choice's ``delta`` is merged into its ``message``; ``finish_reason`` is replaced; logprobs lists grow;
- strings are concatenated, numbers added, objects merged key by key;
- lists of objects carrying an ``index`` (tool calls) are merged by that index, other lists extended;
- ``index``, ``type`` and ``role`` values are replaced, never concatenated;
- top-level fields (``id``, ``model``, ``usage``, ``system_fingerprint`` ...) take the latest value.

The snapshot is converted to :class:`ParsedChatCompletion` (a :class:`ChatCompletion`) with msgspec, so
the generated type decides its shape and fields it does not know are ignored.

Given a :class:`ChatParsePlan` (``stream(response_format=T, tools=[function_tool(U)])``), content and
strict tool-argument deltas also carry a partial value (parsed incrementally, see :mod:`.._parsing._partial`),
the ``done`` events the parsed value, and a ``length`` / ``content_filter`` finish raises
:class:`LengthFinishReasonError` / :class:`ContentFilterFinishReasonError`.
"""

from __future__ import annotations

from typing import Any, cast

import msgspec

from ..._core._decoding import convert
from ...types import ChatCompletionChunk, ChatCompletionTokenLogprob
from ...types import CreateChatCompletionStreamResponseChoicesItem as ChunkChoice
from .._parsing._chat import ChatParsePlan
from .._parsing._chat_types import ParsedChatCompletion, ParsedFunctionToolCall
from .._parsing._partial import PartialJSON, partial_parser
from ._chat_events import (
    ChatCompletionStreamEvent,
    ChunkEvent,
    ContentDeltaEvent,
    ContentDoneEvent,
    FunctionToolCallArgumentsDeltaEvent,
    FunctionToolCallArgumentsDoneEvent,
    LogprobsContentDeltaEvent,
    LogprobsContentDoneEvent,
    LogprobsRefusalDeltaEvent,
    LogprobsRefusalDoneEvent,
    RefusalDeltaEvent,
    RefusalDoneEvent,
)

__all__ = ["ChatCompletionStreamState", "accumulate_delta"]

Obj = dict[str, Any]
_REPLACED = frozenset(("index", "type", "role"))


def accumulate_delta(acc: Obj, delta: Obj) -> Obj:
    """Merge ``delta`` into ``acc`` in place (see the module docstring for the rules); returns ``acc``."""
    for key, value in delta.items():
        current = acc.get(key)
        if current is None or key in _REPLACED:
            acc[key] = value
        elif isinstance(current, str) and isinstance(value, str):
            acc[key] = current + value
        elif isinstance(current, dict) and isinstance(value, dict):
            accumulate_delta(cast(Obj, current), cast(Obj, value))
        elif isinstance(current, list) and isinstance(value, list):
            _merge_list(cast("list[Any]", current), cast("list[Any]", value))
        elif (
            isinstance(current, int | float)
            and isinstance(value, int | float)
            and not isinstance(current, bool)
            and not isinstance(value, bool)
        ):
            acc[key] = current + value
        else:
            acc[key] = value
    return acc


def _merge_list(current: list[Any], items: list[Any]) -> None:
    for item in items:
        if isinstance(item, dict) and "index" in item:
            entry = cast(Obj, item)
            for existing in current:
                if isinstance(existing, dict) and cast(Obj, existing).get("index") == entry["index"]:
                    accumulate_delta(cast(Obj, existing), entry)
                    break
            else:
                current.append(entry)
        else:
            current.append(item)


class _ChoiceProgress:
    """What has been announced for one choice: the tool call in progress and which `done`s were sent."""

    __slots__ = (
        "content_partial",
        "current_tool",
        "finished",
        "logprobs_content",
        "logprobs_refusal",
        "parsed_arguments",
        "parsed_content",
        "tool_partials",
    )

    def __init__(self) -> None:
        self.current_tool: int | None = None
        self.finished = False
        self.logprobs_content: list[ChatCompletionTokenLogprob] = []
        self.logprobs_refusal: list[ChatCompletionTokenLogprob] = []
        self.content_partial: PartialJSON | None = None
        self.tool_partials: dict[int, PartialJSON | None] = {}
        self.parsed_content: object = None
        self.parsed_arguments: dict[int, object] = {}


class ChatCompletionStreamState:
    """Accumulate a streamed chat completion by hand: feed every chunk to :meth:`handle_chunk`, which
    returns the events it causes; :attr:`current_completion_snapshot` and
    :meth:`get_final_completion` give the completion so far."""

    __slots__ = ("_choices", "_plan", "_progress", "_snapshot", "_typed")

    def __init__(self, plan: ChatParsePlan | None = None) -> None:
        self._snapshot: Obj | None = None
        self._choices: dict[int, Obj] = {}
        self._progress: dict[int, _ChoiceProgress] = {}
        self._typed: ParsedChatCompletion[Any] | None = None
        self._plan = plan if plan is not None and plan.parses_anything else None

    @property
    def current_completion_snapshot(self) -> ParsedChatCompletion[Any]:
        """The completion accumulated so far (raises if no chunk was handled yet)."""
        typed = self._typed
        if typed is None:
            if self._snapshot is None:
                raise RuntimeError("no chunk has been received yet")
            snapshot = dict(self._snapshot)
            snapshot["choices"] = [self._choices[i] for i in sorted(self._choices)]
            typed = self._typed = convert(snapshot, ParsedChatCompletion)
        return typed

    def get_final_completion(self) -> ParsedChatCompletion[Any]:
        """The completion so far, with ``parsed`` / ``parsed_arguments`` filled when there is a plan."""
        completion = self.current_completion_snapshot
        plan = self._plan
        if plan is None:
            return completion
        for choice in completion.choices:
            progress = self._progress[choice.index]
            message = choice.message
            if progress.finished:
                message.parsed = progress.parsed_content
            else:
                message.parsed = plan.parse_content(message.content, message.refusal)
            for position, call in enumerate(message.tool_calls or ()):
                if isinstance(call, ParsedFunctionToolCall):
                    known = progress.parsed_arguments
                    function = call.function
                    if position in known:
                        function.parsed_arguments = known[position]
                    else:
                        function.parsed_arguments = plan.parse_arguments(function.name, function.arguments)
        return completion

    def handle_chunk(self, chunk: ChatCompletionChunk) -> list[ChatCompletionStreamEvent]:
        self._accumulate(chunk)
        events: list[ChatCompletionStreamEvent] = [
            ChunkEvent(chunk=chunk, snapshot=self.current_completion_snapshot)
        ]
        for choice in chunk.choices:
            self._choice_events(choice, events)
        return events

    # --- accumulation -----------------------------------------------------------------------------------

    def _accumulate(self, chunk: ChatCompletionChunk) -> None:
        self._typed = None
        data: Obj = msgspec.to_builtins(chunk)
        choices: list[Obj] = data.pop("choices", [])
        data["object"] = "chat.completion"
        if self._snapshot is None:
            self._snapshot = data
        else:
            self._snapshot.update(data)
        for choice in choices:
            index: int = choice["index"]
            delta: Obj = choice.get("delta", {})
            entry: Obj | None = self._choices.get(index)
            if entry is None:
                # no `finish_reason` until one arrives: the type says it is a string (left out, it is None)
                entry = {"index": index, "message": {}}
                self._choices[index] = entry
                self._progress[index] = _ChoiceProgress()
            message: Obj = entry["message"]
            for call in delta.get("tool_calls", ()):
                _prefill_tool_call(message, call)
            accumulate_delta(message, delta)
            if choice.get("finish_reason") is not None:
                entry["finish_reason"] = choice["finish_reason"]
            logprobs: Obj | None = choice.get("logprobs")
            if logprobs:
                acc: Obj | None = entry.get("logprobs")
                if acc is None:
                    acc = entry["logprobs"] = {}
                accumulate_delta(acc, logprobs)

    # --- events -------------------------------------------------------------------------------------------

    def _choice_events(self, choice: ChunkChoice, events: list[ChatCompletionStreamEvent]) -> None:
        i = choice.index
        message: Obj = self._choices[i]["message"]
        progress = self._progress[i]
        delta = choice.delta
        plan = self._plan
        if delta.content is not None:
            parsed: object = None
            if plan is not None and plan.content is not None:
                if progress.content_partial is None:
                    progress.content_partial = partial_parser()
                if progress.content_partial is not None:
                    parsed = progress.content_partial.feed(delta.content)
            events.append(
                ContentDeltaEvent(
                    choice_index=i, delta=delta.content, snapshot=message["content"], parsed=parsed
                )
            )
        if delta.refusal is not None:
            events.append(RefusalDeltaEvent(choice_index=i, delta=delta.refusal, snapshot=message["refusal"]))
        for call in delta.tool_calls or ():
            if progress.current_tool is not None and progress.current_tool != call.index:
                events.append(self._tool_done(i, message, progress.current_tool))
            progress.current_tool = call.index
            function: Obj = _tool_call(message, call.index).get("function") or {}
            name: str = function.get("name") or ""
            arguments_delta = (call.function.arguments if call.function else None) or ""
            partial: object = None
            if plan is not None and name in plan.tools:
                partials = progress.tool_partials
                if call.index not in partials:
                    partials[call.index] = partial_parser()
                parser = partials[call.index]
                if parser is not None:
                    partial = parser.feed(arguments_delta)
            events.append(
                FunctionToolCallArgumentsDeltaEvent(
                    choice_index=i,
                    name=name,
                    index=call.index,
                    arguments=function.get("arguments") or "",
                    arguments_delta=arguments_delta,
                    parsed_arguments=partial,
                )
            )
        logprobs = choice.logprobs
        if logprobs is not None:
            if logprobs.content:
                progress.logprobs_content += logprobs.content
                events.append(
                    LogprobsContentDeltaEvent(
                        choice_index=i, content=logprobs.content, snapshot=list(progress.logprobs_content)
                    )
                )
            if logprobs.refusal:
                progress.logprobs_refusal += logprobs.refusal
                events.append(
                    LogprobsRefusalDeltaEvent(
                        choice_index=i, refusal=logprobs.refusal, snapshot=list(progress.logprobs_refusal)
                    )
                )
        if choice.finish_reason is not None and not progress.finished:
            if plan is not None:
                plan.check_finish(choice.finish_reason, self.current_completion_snapshot)
                progress.parsed_content = plan.parse_content(message.get("content"), message.get("refusal"))
            progress.finished = True
            if message.get("content") is not None:
                events.append(
                    ContentDoneEvent(
                        choice_index=i, content=message["content"], parsed=progress.parsed_content
                    )
                )
            if message.get("refusal") is not None:
                events.append(RefusalDoneEvent(choice_index=i, refusal=message["refusal"]))
            if progress.current_tool is not None:
                events.append(self._tool_done(i, message, progress.current_tool))
                progress.current_tool = None
            if progress.logprobs_content:
                events.append(
                    LogprobsContentDoneEvent(choice_index=i, content=list(progress.logprobs_content))
                )
            if progress.logprobs_refusal:
                events.append(
                    LogprobsRefusalDoneEvent(choice_index=i, refusal=list(progress.logprobs_refusal))
                )

    def _tool_done(self, choice_index: int, message: Obj, index: int) -> FunctionToolCallArgumentsDoneEvent:
        function: Obj = _tool_call(message, index).get("function") or {}
        name: str = function.get("name") or ""
        arguments: str = function.get("arguments") or ""
        parsed: object = None
        plan = self._plan
        if plan is not None and name in plan.tools:
            parsed = plan.parse_arguments(name, arguments)
            position = next(
                (n for n, call in enumerate(message.get("tool_calls") or ()) if call.get("index") == index),
                None,
            )
            if position is not None:
                self._progress[choice_index].parsed_arguments[position] = parsed
        return FunctionToolCallArgumentsDoneEvent(
            choice_index=choice_index, name=name, index=index, arguments=arguments, parsed_arguments=parsed
        )


def _tool_call(message: Obj, index: int) -> Obj:
    for call in message.get("tool_calls") or ():
        if call.get("index") == index:
            return cast(Obj, call)
    return {}


def _prefill_tool_call(message: Obj, call: Obj) -> None:
    """Give a tool call seen for the first time the fields a complete one has, so the snapshot converts
    even before its name and arguments have arrived."""
    calls: list[Obj] | None = message.get("tool_calls")
    if calls is None:
        calls = message["tool_calls"] = []
    index = call.get("index")
    if not any(c.get("index") == index for c in calls):
        function = {"name": "", "arguments": ""}
        calls.append({"index": index, "id": "", "type": "function", "function": function})
