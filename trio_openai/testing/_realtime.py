"""The fake server's Realtime endpoint: ``GET /v1/realtime?model=...`` upgraded to a WebSocket.

A session answers the way the real one does, deterministically and in text: ``session.created`` on
connect; ``session.update`` -> ``session.updated`` (the fields merged in); ``conversation.item.create``
-> ``conversation.item.added`` and ``conversation.item.done``; ``response.create`` -> the
``response.created`` ... ``response.output_text.delta`` ... ``response.done`` sequence, whose text
echoes the last user message (``Echo: ...``, as the chat route does); ``input_audio_buffer.append`` /
``commit`` / ``clear``; ``response.cancel`` -> ``response.done`` only while a response runs (here
responses finish at once, so it is answered with an ``error`` event, as the real server does when
nothing is in progress). Anything else (an unknown type, a message that is not JSON) gets an
``error`` event, and the session stays usable, as on the real server.

trio-websocket is imported here, so only a fake server that receives an upgrade imports it.
"""

from __future__ import annotations

import itertools
from typing import Any

import msgspec
import trio

from ._streams import split_text

__all__ = ["RealtimeSession", "serve_realtime"]


class RealtimeSession:
    """The state of one session: its settings and its conversation items."""

    def __init__(self, model: str) -> None:
        self._ids = itertools.count(1)
        self.session: dict[str, Any] = {
            "type": "realtime",
            "object": "realtime.session",
            "id": self.next_id("sess_"),
            "model": model,
            "output_modalities": ["text"],
            "instructions": "",
            "tools": [],
            "tool_choice": "auto",
            "max_output_tokens": "inf",
        }
        self.items: list[dict[str, Any]] = []

    def next_id(self, prefix: str) -> str:
        return f"{prefix}fake{next(self._ids):06d}"

    def event(self, kind: str, **fields: Any) -> dict[str, Any]:
        return {"type": kind, "event_id": self.next_id("event_"), **fields}

    def error(self, message: str, *, code: str, event_id: str | None = None) -> dict[str, Any]:
        detail = {"type": "invalid_request_error", "code": code, "message": message, "param": None}
        return self.event("error", error={**detail, "event_id": event_id})

    def handle(self, raw: str | bytes) -> list[dict[str, Any]]:
        """The server events that answer one client message."""
        try:
            message = msgspec.json.decode(raw)
        except msgspec.DecodeError:
            return [self.error("The message is not valid JSON.", code="invalid_json")]
        if not isinstance(message, dict):
            return [self.error("A client event must be a JSON object.", code="invalid_event")]
        event: dict[str, Any] = message  # pyright: ignore[reportUnknownVariableType]
        kind = event.get("type")
        client_id = event.get("event_id")
        handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            return [self.error(f"Invalid value: {kind!r}. Unknown client event type.", code="invalid_value")]
        return handler(self, event, client_id)

    # --- the client events ------------------------------------------------------------------------

    def _session_update(self, event: dict[str, Any], client_id: object) -> list[dict[str, Any]]:
        update = event.get("session")
        if not isinstance(update, dict):
            return [self.error("Missing required parameter: 'session'.", code="missing_required_parameter")]
        self.session.update({k: v for k, v in update.items() if k not in ("id", "object")})  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
        return [self.event("session.updated", session=self.session)]

    def _item_create(self, event: dict[str, Any], client_id: object) -> list[dict[str, Any]]:
        item = event.get("item")
        if not isinstance(item, dict):
            return [self.error("Missing required parameter: 'item'.", code="missing_required_parameter")]
        stored: dict[str, Any] = {
            "id": self.next_id("item_"),
            "object": "realtime.item",
            **item,
            "status": "completed",
        }
        previous = self.items[-1]["id"] if self.items else None
        self.items.append(stored)
        return [
            self.event("conversation.item.added", previous_item_id=previous, item=stored),
            self.event("conversation.item.done", previous_item_id=previous, item=stored),
        ]

    def _response_create(self, event: dict[str, Any], client_id: object) -> list[dict[str, Any]]:
        response_id = self.next_id("resp_")
        item_id = self.next_id("item_")
        text = f"Echo: {self._last_user_text()}"
        base = {"object": "realtime.response", "id": response_id, "conversation_id": "conv_fake"}
        created: dict[str, Any] = {**base, "status": "in_progress", "output": [], "usage": None}
        part = {"type": "output_text", "text": ""}
        item: dict[str, Any] = {
            "id": item_id,
            "object": "realtime.item",
            "type": "message",
            "role": "assistant",
            "status": "in_progress",
            "content": [],
        }
        at = {"response_id": response_id, "item_id": item_id, "output_index": 0, "content_index": 0}
        events = [
            self.event("response.created", response=created),
            self.event("response.output_item.added", response_id=response_id, output_index=0, item=item),
            self.event("response.content_part.added", **at, part=part),
        ]
        events += [
            self.event("response.output_text.delta", **at, delta=piece) for piece in split_text(text, None)
        ]
        done_part = {"type": "output_text", "text": text}
        done_item = {**item, "status": "completed", "content": [done_part]}
        words = len(text.split())
        usage = {"total_tokens": words + 1, "input_tokens": 1, "output_tokens": words}
        events += [
            self.event("response.output_text.done", **at, text=text),
            self.event("response.content_part.done", **at, part=done_part),
            self.event("response.output_item.done", response_id=response_id, output_index=0, item=done_item),
            self.event(
                "response.done",
                response={**base, "status": "completed", "output": [done_item], "usage": usage},
            ),
        ]
        self.items.append(done_item)
        return events

    def _response_cancel(self, event: dict[str, Any], client_id: object) -> list[dict[str, Any]]:
        return [
            self.error(
                "Cancellation failed: no active response found.",
                code="response_cancel_not_active",
                event_id=client_id if isinstance(client_id, str) else None,
            )
        ]

    def _audio_append(self, event: dict[str, Any], client_id: object) -> list[dict[str, Any]]:
        if not isinstance(event.get("audio"), str):
            return [self.error("Missing required parameter: 'audio'.", code="missing_required_parameter")]
        return []

    def _audio_commit(self, event: dict[str, Any], client_id: object) -> list[dict[str, Any]]:
        previous = self.items[-1]["id"] if self.items else None
        return [
            self.event(
                "input_audio_buffer.committed", previous_item_id=previous, item_id=self.next_id("item_")
            )
        ]

    def _audio_clear(self, event: dict[str, Any], client_id: object) -> list[dict[str, Any]]:
        return [self.event("input_audio_buffer.cleared")]

    def _last_user_text(self) -> str:
        for item in reversed(self.items):
            if item.get("role") != "user":
                continue
            content = item.get("content")
            parts: list[Any] = content if isinstance(content, list) else []  # pyright: ignore[reportUnknownVariableType]
            texts = [str(part.get("text", "")) for part in parts if isinstance(part, dict)]  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
            return " ".join(filter(None, texts))
        return ""


_HANDLERS = {
    "session.update": RealtimeSession._session_update,  # pyright: ignore[reportPrivateUsage]
    "conversation.item.create": RealtimeSession._item_create,  # pyright: ignore[reportPrivateUsage]
    "response.create": RealtimeSession._response_create,  # pyright: ignore[reportPrivateUsage]
    "response.cancel": RealtimeSession._response_cancel,  # pyright: ignore[reportPrivateUsage]
    "input_audio_buffer.append": RealtimeSession._audio_append,  # pyright: ignore[reportPrivateUsage]
    "input_audio_buffer.commit": RealtimeSession._audio_commit,  # pyright: ignore[reportPrivateUsage]
    "input_audio_buffer.clear": RealtimeSession._audio_clear,  # pyright: ignore[reportPrivateUsage]
}


class _Replay(trio.abc.Stream):
    """``stream`` with ``prefix`` read again first: the upgrade request the HTTP layer already read."""

    def __init__(self, stream: trio.abc.Stream, prefix: bytes) -> None:
        self._stream = stream
        self._prefix = prefix

    async def receive_some(self, max_bytes: int | None = None) -> bytes:
        if self._prefix:
            await trio.lowlevel.checkpoint()
            size = len(self._prefix) if max_bytes is None else max_bytes
            data, self._prefix = self._prefix[:size], self._prefix[size:]
            return data
        return bytes(await self._stream.receive_some(max_bytes))

    async def send_all(self, data: bytes | bytearray | memoryview) -> None:
        await self._stream.send_all(data)

    async def wait_send_all_might_not_block(self) -> None:
        await self._stream.wait_send_all_might_not_block()

    async def aclose(self) -> None:
        await self._stream.aclose()


async def serve_realtime(
    stream: trio.abc.Stream, raw_request: bytes, *, model: str | None, authorized: bool, idle_timeout: float
) -> None:
    """Complete the upgrade on ``stream`` (whose request ``raw_request`` was already read) and run a
    session until the client closes it or is idle for ``idle_timeout``; refuse it (401 without a
    key, 400 without a model) as the real server does."""
    from trio_websocket import ConnectionClosed, wrap_server_stream

    async with trio.open_nursery() as nursery:
        request = await wrap_server_stream(nursery, _Replay(stream, raw_request))
        if not authorized:
            body = b'{"error": {"message": "Missing bearer or basic authentication in header", "type": "invalid_request_error"}}'
            await request.reject(401, extra_headers=[(b"content-type", b"application/json")], body=body)
            return
        if not model:
            body = b'{"error": {"message": "Missing required parameter: \'model\'.", "type": "invalid_request_error"}}'
            await request.reject(400, extra_headers=[(b"content-type", b"application/json")], body=body)
            return
        ws = await request.accept()
        session = RealtimeSession(model)
        try:
            await ws.send_message(
                msgspec.json.encode(session.event("session.created", session=session.session)).decode()
            )
            while True:
                with trio.move_on_after(idle_timeout):
                    message = await ws.get_message()
                    for event in session.handle(message):
                        await ws.send_message(msgspec.json.encode(event).decode())
                    continue
                await ws.aclose(1001, "idle")
                return
        except ConnectionClosed:
            pass
        finally:
            nursery.cancel_scope.cancel()
