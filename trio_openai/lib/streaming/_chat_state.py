"""ChatCompletionStreamState: chunks in, typed events and the accumulated ChatCompletion out.

Accumulation works on the chunks' plain data (``msgspec.to_builtins``, which leaves out fields that are
unset), with the rules of the API's delta format:

- a choice's ``delta`` is merged into its ``message``; ``finish_reason`` is replaced; logprobs lists grow;
- strings are concatenated, numbers added, objects merged key by key;
- lists of objects carrying an ``index`` (tool calls) are merged by that index, other lists extended;
- ``index``, ``type`` and ``role`` values are replaced, never concatenated;
- top-level fields (``id``, ``model``, ``usage``, ``system_fingerprint`` ...) take the latest value.

The snapshot is converted to :class:`ChatCompletion` with msgspec, so the (later generated) type decides
its shape and fields it does not know are ignored.
"""

from __future__ import annotations

from typing import Any, cast

import msgspec

from ..._core._decoding import convert
from ...types import ChatCompletion, ChatCompletionChunk, ChatCompletionTokenLogprob
from ...types import CreateChatCompletionStreamResponseChoicesItem as ChunkChoice
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

    __slots__ = ("current_tool", "finished", "logprobs_content", "logprobs_refusal")

    def __init__(self) -> None:
        self.current_tool: int | None = None
        self.finished = False
        self.logprobs_content: list[ChatCompletionTokenLogprob] = []
        self.logprobs_refusal: list[ChatCompletionTokenLogprob] = []


class ChatCompletionStreamState:
    """Accumulate a streamed chat completion by hand: feed every chunk to :meth:`handle_chunk`, which
    returns the events it causes; :attr:`current_completion_snapshot` and
    :meth:`get_final_completion` give the completion so far."""

    __slots__ = ("_choices", "_progress", "_snapshot", "_typed")

    def __init__(self) -> None:
        self._snapshot: Obj | None = None
        self._choices: dict[int, Obj] = {}
        self._progress: dict[int, _ChoiceProgress] = {}
        self._typed: ChatCompletion | None = None

    @property
    def current_completion_snapshot(self) -> ChatCompletion:
        """The completion accumulated so far (raises if no chunk was handled yet)."""
        typed = self._typed
        if typed is None:
            if self._snapshot is None:
                raise RuntimeError("no chunk has been received yet")
            snapshot = dict(self._snapshot)
            snapshot["choices"] = [self._choices[i] for i in sorted(self._choices)]
            typed = self._typed = convert(snapshot, ChatCompletion)
        return typed

    def get_final_completion(self) -> ChatCompletion:
        return self.current_completion_snapshot

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
        if delta.content is not None:
            events.append(ContentDeltaEvent(choice_index=i, delta=delta.content, snapshot=message["content"]))
        if delta.refusal is not None:
            events.append(RefusalDeltaEvent(choice_index=i, delta=delta.refusal, snapshot=message["refusal"]))
        for call in delta.tool_calls or ():
            if progress.current_tool is not None and progress.current_tool != call.index:
                events.append(self._tool_done(i, message, progress.current_tool))
            progress.current_tool = call.index
            function: Obj = _tool_call(message, call.index).get("function") or {}
            events.append(
                FunctionToolCallArgumentsDeltaEvent(
                    choice_index=i,
                    name=function.get("name") or "",
                    index=call.index,
                    arguments=function.get("arguments") or "",
                    arguments_delta=(call.function.arguments if call.function else None) or "",
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
            progress.finished = True
            if message.get("content") is not None:
                events.append(ContentDoneEvent(choice_index=i, content=message["content"]))
            if message.get("refusal") is not None:
                events.append(RefusalDoneEvent(choice_index=i, refusal=message["refusal"]))
            if progress.current_tool is not None:
                events.append(self._tool_done(i, message, progress.current_tool))
            if progress.logprobs_content:
                events.append(
                    LogprobsContentDoneEvent(choice_index=i, content=list(progress.logprobs_content))
                )
            if progress.logprobs_refusal:
                events.append(
                    LogprobsRefusalDoneEvent(choice_index=i, refusal=list(progress.logprobs_refusal))
                )

    @staticmethod
    def _tool_done(choice_index: int, message: Obj, index: int) -> FunctionToolCallArgumentsDoneEvent:
        function: Obj = _tool_call(message, index).get("function") or {}
        return FunctionToolCallArgumentsDoneEvent(
            choice_index=choice_index,
            name=function.get("name") or "",
            index=index,
            arguments=function.get("arguments") or "",
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
