"""The typed helpers of a Realtime connection (``conn.session.update(...)``, ``conn.response.create()``...).

Each builds one client event and hands it to the connection's ``send``. One implementation serves both
connections: the helpers are generic in what ``send`` returns (a coroutine for the async connection,
``None`` for the blocking one), so ``await conn.response.create()`` and ``conn.response.create()`` are
both typed exactly.
"""

from __future__ import annotations

import base64
from functools import cached_property
from typing import TYPE_CHECKING, Generic, TypeVar

from .._core._options import Omit, omit

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..types.realtime_conversation_item_param import RealtimeConversationItemParam
    from ..types.realtime_response_create_params_param import RealtimeResponseCreateParamsParam
    from ..types.realtime_session_create_request_ga_param import RealtimeSessionCreateRequestGAParam
    from ..types.realtime_transcription_session_create_request_ga_param import (
        RealtimeTranscriptionSessionCreateRequestGAParam,
    )

__all__ = [
    "RealtimeConversationItemResource",
    "RealtimeConversationResource",
    "RealtimeInputAudioBufferResource",
    "RealtimeOutputAudioBufferResource",
    "RealtimeResponseResource",
    "RealtimeSessionResource",
]

R = TypeVar("R")


def _event(type_: str, event_id: str | Omit, **fields: object) -> dict[str, object]:
    event: dict[str, object] = {"type": type_}
    if not isinstance(event_id, Omit):
        event["event_id"] = event_id
    for name, value in fields.items():
        if not isinstance(value, Omit):
            event[name] = value
    return event


class _Helper(Generic[R]):
    __slots__ = ("__dict__", "_send")

    def __init__(self, send: Callable[[dict[str, object]], R]) -> None:
        self._send = send


class RealtimeSessionResource(_Helper[R]):
    """``conn.session``."""

    def update(
        self,
        *,
        session: RealtimeSessionCreateRequestGAParam | RealtimeTranscriptionSessionCreateRequestGAParam,
        event_id: str | Omit = omit,
    ) -> R:
        """Send ``session.update``: change the session's configuration (the server answers with
        ``session.updated``). Fields left out keep their values."""
        return self._send(_event("session.update", event_id, session=session))


class RealtimeResponseResource(_Helper[R]):
    """``conn.response``."""

    def create(
        self, *, response: RealtimeResponseCreateParamsParam | Omit = omit, event_id: str | Omit = omit
    ) -> R:
        """Send ``response.create``: have the model respond (not needed with server VAD, which starts
        responses by itself)."""
        return self._send(_event("response.create", event_id, response=response))

    def cancel(self, *, response_id: str | Omit = omit, event_id: str | Omit = omit) -> R:
        """Send ``response.cancel``: stop the response in progress (or the one named)."""
        return self._send(_event("response.cancel", event_id, response_id=response_id))


class RealtimeInputAudioBufferResource(_Helper[R]):
    """``conn.input_audio_buffer``."""

    def append(self, *, audio: str | bytes, event_id: str | Omit = omit) -> R:
        """Send ``input_audio_buffer.append``. ``audio`` is base64 text, or raw bytes in the session's input
        format (base64-encoded here)."""
        text = base64.b64encode(audio).decode("ascii") if isinstance(audio, bytes) else audio
        return self._send(_event("input_audio_buffer.append", event_id, audio=text))

    def clear(self, *, event_id: str | Omit = omit) -> R:
        """Send ``input_audio_buffer.clear``: drop the audio appended so far."""
        return self._send(_event("input_audio_buffer.clear", event_id))

    def commit(self, *, event_id: str | Omit = omit) -> R:
        """Send ``input_audio_buffer.commit``: turn the buffered audio into a user message item."""
        return self._send(_event("input_audio_buffer.commit", event_id))


class RealtimeOutputAudioBufferResource(_Helper[R]):
    """``conn.output_audio_buffer`` (WebRTC and SIP sessions)."""

    def clear(self, *, event_id: str | Omit = omit) -> R:
        """Send ``output_audio_buffer.clear``: stop the audio being played out and cancel the response."""
        return self._send(_event("output_audio_buffer.clear", event_id))


class RealtimeConversationItemResource(_Helper[R]):
    """``conn.conversation.item``."""

    def create(
        self,
        *,
        item: RealtimeConversationItemParam,
        previous_item_id: str | Omit = omit,
        event_id: str | Omit = omit,
    ) -> R:
        """Send ``conversation.item.create``: add an item (a message, a function call output...)."""
        return self._send(
            _event("conversation.item.create", event_id, item=item, previous_item_id=previous_item_id)
        )

    def delete(self, *, item_id: str, event_id: str | Omit = omit) -> R:
        """Send ``conversation.item.delete``."""
        return self._send(_event("conversation.item.delete", event_id, item_id=item_id))

    def retrieve(self, *, item_id: str, event_id: str | Omit = omit) -> R:
        """Send ``conversation.item.retrieve`` (the server answers with ``conversation.item.retrieved``)."""
        return self._send(_event("conversation.item.retrieve", event_id, item_id=item_id))

    def truncate(
        self, *, item_id: str, content_index: int, audio_end_ms: int, event_id: str | Omit = omit
    ) -> R:
        """Send ``conversation.item.truncate``: cut an assistant message's audio at ``audio_end_ms``."""
        return self._send(
            _event(
                "conversation.item.truncate",
                event_id,
                item_id=item_id,
                content_index=content_index,
                audio_end_ms=audio_end_ms,
            )
        )


class RealtimeConversationResource(_Helper[R]):
    """``conn.conversation``."""

    @cached_property
    def item(self) -> RealtimeConversationItemResource[R]:
        return RealtimeConversationItemResource(self._send)
