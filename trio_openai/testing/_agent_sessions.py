"""A fake agent behind ``/agents/sessions/{id}/events`` and the session's artifacts.

* ``GET /agents/sessions/{id}/events`` subscribes: a live SSE stream (``data:`` frames of
  ``AgentSessionEvent`` JSON) that stays open; each input posted after the subscription runs one turn.
* ``POST /agents/sessions/{id}/events`` takes ``{"events": [...]}`` inputs (204).
* A message input runs a turn: ``turn.created``, ``session.in_progress``, the answer's
  ``output_text`` deltas, its ``item.done`` message, ``turn.completed``, ``session.idle``. The answer is
  ``You said: <text>``. A message ``call <tool> <json arguments>`` first calls that function tool
  (``item.added`` + ``requires_action``) and waits for its ``tool_result`` input; the answer is then
  ``<tool> returned <output>`` (or ``<tool> failed``). The message ``fail`` fails the turn
  (``error``, ``turn.failed``, ``session.idle``). Each completed turn writes the artifact
  ``/workspace/answer.txt`` holding the answer.
* ``GET /agents/sessions/{id}/artifacts`` (a cursor page), ``.../artifacts/{artifact_id}`` and
  ``.../artifacts/{artifact_id}/content``.

Shape-correct and deterministic; the session's ``status`` follows the turn (``in_progress`` while it
runs, ``idle`` after).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

import trio

from ._records import RecordedRequest
from ._reply import SSE_HEADERS, Reply, sse_frame
from ._state import BadRequest, ServerState, json_body

__all__ = [
    "list_artifacts",
    "post_session_events",
    "retrieve_artifact",
    "session_artifact_content",
    "subscribe_session_events",
]

_SESSIONS = "/agents/sessions"


@dataclass(slots=True)
class _Run:
    """One session's inputs (in order) and artifacts, and a wake-up for its subscribers."""

    inputs: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])
    artifacts: dict[str, dict[str, Any]] = field(default_factory=dict[str, dict[str, Any]])
    contents: dict[str, bytes] = field(default_factory=dict[str, bytes])
    changed: trio.Event | None = None

    def post(self, events: list[dict[str, Any]]) -> None:
        self.inputs.extend(events)
        if self.changed is not None:
            self.changed.set()
            self.changed = None

    async def next_input(self, cursor: int) -> dict[str, Any]:
        while cursor >= len(self.inputs):
            if self.changed is None:
                self.changed = trio.Event()
            await self.changed.wait()
        return self.inputs[cursor]


def _session(state: ServerState, session_id: str) -> dict[str, Any]:
    found = state.collections.setdefault(_SESSIONS, {}).get(session_id)
    if found is None:
        raise BadRequest(f"No agent.session found with id '{session_id}'.", status=404)
    return found


def _run(state: ServerState, session_id: str) -> _Run:
    run: _Run | None = state.agent_runs.get(session_id)
    if run is None:
        run = state.agent_runs[session_id] = _Run()
    return run


def post_session_events(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    _session(state, params["id"])
    events = json_body(request).get("events")
    if not isinstance(events, list) or not events:
        raise BadRequest("'events' must be a non-empty array.", param="events")
    for event in events:  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):  # pyright: ignore[reportUnknownMemberType]
            raise BadRequest("Each event needs a 'type'.", param="events")
    _run(state, params["id"]).post(events)  # pyright: ignore[reportUnknownArgumentType]
    return Reply(status=204)


def subscribe_session_events(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    session = _session(state, params["id"])
    run = _run(state, params["id"])
    cursor = len(run.inputs)
    return Reply(headers=SSE_HEADERS, live=lambda: _agent(state, session, run, cursor))


def _text(message_event: dict[str, Any]) -> str:
    parts: list[str] = []
    for message in message_event.get("input") or ():
        for part in message.get("content") or ():
            if part.get("type") == "input_text":
                parts.append(str(part.get("text", "")))
    return "".join(parts)


async def _agent(
    state: ServerState, session: dict[str, Any], run: _Run, cursor: int
) -> AsyncGenerator[bytes]:
    sid: str = session["id"]
    count = 0

    def event(kind: str, **fields: Any) -> bytes:
        nonlocal count
        count += 1
        return sse_frame({"type": kind, "event_id": f"event_{sid}_{cursor}_{count}", **fields})

    def session_event(kind: str, status: str, actions: list[dict[str, Any]] | None = None) -> bytes:
        session["status"] = status
        session["required_actions"] = actions or []
        session["last_active_at"] = state.config.created
        return event(kind, session=session)

    def turn_event(turn: dict[str, Any], kind: str, status: str) -> bytes:
        turn["status"] = status
        return event(kind, session_id=sid, turn_id=turn["id"], turn=dict(turn))

    while True:
        received = await run.next_input(cursor)
        cursor += 1
        if received.get("type") != "agent.session.input.message":
            continue
        turn_id = state.next_id("turn_")
        turn: dict[str, Any] = {
            "id": turn_id,
            "object": "agent.session.turn",
            "agent_id": session.get("agent", {}).get("id", "agent_fake"),
            "session_id": sid,
            "created_at": state.config.created,
            "status": "queued",
        }

        yield turn_event(turn, "agent.session.turn.created", "queued")
        yield session_event("agent.session.in_progress", "in_progress")
        yield turn_event(turn, "agent.session.turn.in_progress", "in_progress")
        text = _text(received)
        if text == "fail":
            error = {"type": "server_error", "code": "agent_failed", "message": "The fake agent failed."}
            yield event("error", session_id=sid, error=error)
            turn["error"] = {"code": "agent_failed", "message": "The fake agent failed."}
            yield turn_event(turn, "agent.session.turn.failed", "failed")
            yield session_event("agent.session.idle", "idle")
            continue
        answer = f"You said: {text}"
        if text.startswith("call "):
            _, _, rest = text.partition(" ")
            name, _, arguments = rest.partition(" ")
            call_id = state.next_id("call_")
            call = {
                "type": "function_call",
                "id": state.next_id("fc_"),
                "call_id": call_id,
                "name": name,
                "arguments": arguments or "{}",
                "status": "in_progress",
                "turn_id": turn_id,
            }
            yield event(
                "agent.session.turn.item.added", session_id=sid, turn_id=turn_id, output_index=0, item=call
            )
            action = {k: call[k] for k in ("type", "call_id", "name", "arguments", "turn_id")}
            yield session_event("agent.session.requires_action", "requires_action", [action])
            while True:
                reply = await run.next_input(cursor)
                cursor += 1
                if reply.get("type") == "agent.session.input.tool_result" and reply.get("call_id") == call_id:
                    break
            output = reply.get("output")
            shown = output if isinstance(output, str) else json.dumps(output)
            answer = f"{name} returned {shown}" if reply.get("success") else f"{name} failed"
            yield event(
                "agent.session.turn.item.done",
                session_id=sid,
                turn_id=turn_id,
                output_index=0,
                item={**call, "status": "completed"},
            )
            yield session_event("agent.session.in_progress", "in_progress")
        message_id = state.next_id("msg_")
        for piece in answer.split(" "):
            delta = piece if piece == answer.split(" ")[0] else " " + piece
            yield event(
                "agent.session.turn.output_text.delta",
                session_id=sid,
                turn_id=turn_id,
                item_id=message_id,
                output_index=1,
                content_index=0,
                delta=delta,
            )
        message: dict[str, Any] = {
            "type": "message",
            "id": message_id,
            "role": "assistant",
            "status": "completed",
            "phase": "final_answer",
            "turn_id": turn_id,
            "content": [{"type": "output_text", "text": answer, "annotations": []}],
        }
        yield event(
            "agent.session.turn.item.done", session_id=sid, turn_id=turn_id, output_index=1, item=message
        )
        artifact_id = state.next_id("artifact_")
        run.artifacts[artifact_id] = {
            "id": artifact_id,
            "object": "agent.session.artifact",
            "created_at": state.config.created,
            "environment_id": "env_fake",
            "path": "/workspace/answer.txt",
            "session_id": sid,
            "size_bytes": len(answer.encode()),
            "turn_id": turn_id,
        }
        run.contents[artifact_id] = answer.encode()
        yield turn_event(turn, "agent.session.turn.completed", "completed")
        yield session_event("agent.session.idle", "idle")


def list_artifacts(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    _session(state, params["id"])
    items = list(_run(state, params["id"]).artifacts.values())
    after = request.query_value("after")
    if after is not None:
        ids = [i["id"] for i in items]
        items = items[ids.index(after) + 1 :] if after in ids else []
    raw_limit = request.query_value("limit") or "20"
    try:
        limit = max(int(raw_limit), 1)
    except ValueError:
        raise BadRequest(f"Invalid 'limit': {raw_limit!r}.", param="limit") from None
    page = items[:limit]
    return Reply(
        json={
            "object": "list",
            "data": page,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
            "has_more": len(items) > len(page),
        }
    )


def _artifact(state: ServerState, params: dict[str, str]) -> dict[str, Any]:
    _session(state, params["id"])
    found = _run(state, params["id"]).artifacts.get(params["artifact_id"])
    if found is None:
        raise BadRequest(f"No artifact found with id '{params['artifact_id']}'.", status=404)
    return found


def retrieve_artifact(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    return Reply(json=_artifact(state, params))


def session_artifact_content(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    artifact = _artifact(state, params)
    body = _run(state, params["id"]).contents[artifact["id"]]
    return Reply(body=body, headers={"content-type": "application/octet-stream"})
