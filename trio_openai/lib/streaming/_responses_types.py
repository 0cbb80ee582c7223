"""Minimal hand-written Responses API types for the stream helper's events and snapshots.

The helper adds ``snapshot`` to delta events and edits its snapshot in place, so its events and the
snapshot keep these small types; the terminal events (``response.completed``, ``.failed``,
``.incomplete``) carry the whole generated :class:`trio_openai.types.Response`, which is what
``get_final_response()`` returns. The helper only relies on the fields declared here, which carry the
API's names. ``ResponseStreamEvent`` follows the
generated convention for unions: a type alias for type checkers, and at runtime a class whose
``__trio_openai_decode__`` hook picks the variant by ``type``, falling back to
:class:`ResponseUnknownEvent` (never an error) for types this library does not know.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast

import msgspec

from ..._core._decoding import DECODE_HOOK_ATTR, convert
from ...types import Response as FullResponse
from ...types._base import BaseModel

__all__ = [
    "Response",
    "ResponseCompletedEvent",
    "ResponseContentPart",
    "ResponseContentPartAddedEvent",
    "ResponseContentPartDoneEvent",
    "ResponseCreatedEvent",
    "ResponseFailedEvent",
    "ResponseFunctionCallArgumentsDeltaEvent",
    "ResponseFunctionCallArgumentsDoneEvent",
    "ResponseInProgressEvent",
    "ResponseIncompleteEvent",
    "ResponseOutputItem",
    "ResponseOutputItemAddedEvent",
    "ResponseOutputItemDoneEvent",
    "ResponseRefusalDeltaEvent",
    "ResponseRefusalDoneEvent",
    "ResponseStreamEvent",
    "ResponseTextDeltaEvent",
    "ResponseTextDoneEvent",
    "ResponseUnknownEvent",
    "ResponseUsage",
]


class ResponseContentPart(BaseModel, kw_only=True):
    """A part of a message's content: ``output_text`` (``text``), ``refusal`` (``refusal``) or other."""

    type: Literal["output_text", "refusal"] | str
    text: str | None = None
    refusal: str | None = None
    annotations: list[Any] | None = None


class ResponseOutputItem(BaseModel, kw_only=True):
    """One item of ``Response.output`` (a ``message``, ``function_call``, ``reasoning`` ...); fields that
    an item type does not have stay ``None``."""

    type: Literal["message", "function_call", "reasoning"] | str
    id: str | None = None
    status: str | None = None
    role: str | None = None
    content: list[ResponseContentPart] | None = None
    name: str | None = None
    call_id: str | None = None
    arguments: str | None = None
    phase: str | None = None


class ResponseUsage(BaseModel, kw_only=True):
    input_tokens: int
    output_tokens: int
    total_tokens: int
    input_tokens_details: dict[str, Any] | None = None
    output_tokens_details: dict[str, Any] | None = None


class Response(BaseModel, kw_only=True):
    id: str
    object: Literal["response"] | str = "response"
    created_at: float | None = None
    status: (
        Literal["completed", "failed", "in_progress", "cancelled", "queued", "incomplete"] | str | None
    ) = None
    model: str | None = None
    output: list[ResponseOutputItem] = []
    usage: ResponseUsage | None = None
    error: dict[str, Any] | None = None
    incomplete_details: dict[str, Any] | None = None

    @property
    def output_text(self) -> str:
        """The text of every ``output_text`` part of every message, joined."""
        return "".join(
            part.text or ""
            for item in self.output
            if item.type == "message"
            for part in item.content or ()
            if part.type == "output_text"
        )


# --- events -----------------------------------------------------------------------------------------------


class _Event(BaseModel, kw_only=True):
    sequence_number: int | None = None


class ResponseCreatedEvent(_Event, kw_only=True):
    type: Literal["response.created"] = "response.created"
    response: Response


class ResponseInProgressEvent(_Event, kw_only=True):
    type: Literal["response.in_progress"] = "response.in_progress"
    response: Response


class ResponseCompletedEvent(_Event, kw_only=True):
    type: Literal["response.completed"] = "response.completed"
    response: FullResponse
    """The whole response, as the generated type."""


class ResponseFailedEvent(_Event, kw_only=True):
    type: Literal["response.failed"] = "response.failed"
    response: FullResponse
    """The whole response, as the generated type."""


class ResponseIncompleteEvent(_Event, kw_only=True):
    type: Literal["response.incomplete"] = "response.incomplete"
    response: FullResponse
    """The whole response, as the generated type."""


class ResponseOutputItemAddedEvent(_Event, kw_only=True):
    type: Literal["response.output_item.added"] = "response.output_item.added"
    output_index: int
    item: ResponseOutputItem


class ResponseOutputItemDoneEvent(_Event, kw_only=True):
    type: Literal["response.output_item.done"] = "response.output_item.done"
    output_index: int
    item: ResponseOutputItem


class ResponseContentPartAddedEvent(_Event, kw_only=True):
    type: Literal["response.content_part.added"] = "response.content_part.added"
    item_id: str
    output_index: int
    content_index: int
    part: ResponseContentPart


class ResponseContentPartDoneEvent(_Event, kw_only=True):
    type: Literal["response.content_part.done"] = "response.content_part.done"
    item_id: str
    output_index: int
    content_index: int
    part: ResponseContentPart


class ResponseTextDeltaEvent(_Event, kw_only=True):
    type: Literal["response.output_text.delta"] = "response.output_text.delta"
    item_id: str
    output_index: int
    content_index: int
    delta: str
    snapshot: str = ""
    """Filled by the stream helper: the part's text so far, this delta included."""
    parsed: object = None
    """With ``text_format=T``: the text so far as partial JSON data, one object updated in place."""


class ResponseTextDoneEvent(_Event, kw_only=True):
    type: Literal["response.output_text.done"] = "response.output_text.done"
    item_id: str
    output_index: int
    content_index: int
    text: str
    parsed: object = None
    """With ``text_format=T``: the text parsed into ``T`` (final answers only)."""


class ResponseRefusalDeltaEvent(_Event, kw_only=True):
    type: Literal["response.refusal.delta"] = "response.refusal.delta"
    item_id: str
    output_index: int
    content_index: int
    delta: str
    snapshot: str = ""


class ResponseRefusalDoneEvent(_Event, kw_only=True):
    type: Literal["response.refusal.done"] = "response.refusal.done"
    item_id: str
    output_index: int
    content_index: int
    refusal: str


class ResponseFunctionCallArgumentsDeltaEvent(_Event, kw_only=True):
    type: Literal["response.function_call_arguments.delta"] = "response.function_call_arguments.delta"
    item_id: str
    output_index: int
    delta: str
    snapshot: str = ""
    """Filled by the stream helper: the arguments so far."""
    parsed_arguments: object = None
    """For a strict function tool: the arguments so far as partial JSON data, updated in place."""


class ResponseFunctionCallArgumentsDoneEvent(_Event, kw_only=True):
    type: Literal["response.function_call_arguments.done"] = "response.function_call_arguments.done"
    item_id: str
    output_index: int
    arguments: str
    name: str | None = None
    parsed_arguments: object = None
    """For a ``responses_function_tool(T)``: the arguments as a ``T``; another strict tool: JSON data."""


class ResponseUnknownEvent(_Event, kw_only=True):
    """An event type this library does not know yet; ``data`` is the whole event as sent."""

    type: str
    data: dict[str, Any]


_KNOWN: tuple[type[_Event], ...] = (
    ResponseCreatedEvent,
    ResponseInProgressEvent,
    ResponseCompletedEvent,
    ResponseFailedEvent,
    ResponseIncompleteEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseRefusalDeltaEvent,
    ResponseRefusalDoneEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
)
_BY_TYPE: dict[str, type[_Event]] = {
    field.default: cls for cls in _KNOWN for field in msgspec.structs.fields(cls) if field.name == "type"
}


def _decode_event(obj: object) -> Any:
    data: dict[str, Any] = cast("dict[str, Any]", obj) if isinstance(obj, dict) else {"value": obj}
    kind: object = data.get("type")
    cls = _BY_TYPE.get(kind) if isinstance(kind, str) else None
    if cls is None:
        seq = data.get("sequence_number")
        number = seq if isinstance(seq, int) and not isinstance(seq, bool) else None
        return ResponseUnknownEvent(type=str(kind), data=data, sequence_number=number)
    return convert(data, cls)


if TYPE_CHECKING:
    ResponseStreamEvent: TypeAlias = (
        ResponseCreatedEvent
        | ResponseInProgressEvent
        | ResponseCompletedEvent
        | ResponseFailedEvent
        | ResponseIncompleteEvent
        | ResponseOutputItemAddedEvent
        | ResponseOutputItemDoneEvent
        | ResponseContentPartAddedEvent
        | ResponseContentPartDoneEvent
        | ResponseTextDeltaEvent
        | ResponseTextDoneEvent
        | ResponseRefusalDeltaEvent
        | ResponseRefusalDoneEvent
        | ResponseFunctionCallArgumentsDeltaEvent
        | ResponseFunctionCallArgumentsDoneEvent
        | ResponseUnknownEvent
    )
else:

    class _UnionMeta(type):
        # msgspec checks that a decode hook returned an instance of the requested type: every variant
        # counts as one.
        def __instancecheck__(cls, obj: object) -> bool:
            return isinstance(obj, (*_KNOWN, ResponseUnknownEvent))

    class ResponseStreamEvent(metaclass=_UnionMeta):
        """Runtime stand-in for the union: decoding picks the variant by ``type``."""

    setattr(ResponseStreamEvent, DECODE_HOOK_ATTR, staticmethod(_decode_event))
