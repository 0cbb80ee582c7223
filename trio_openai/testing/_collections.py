"""Generic stored collections for endpoints only the official SDK describes (the spec supplement):
``beta.agents`` (agents, sessions, environments), vaults and webhook endpoints.

Each collection answers create (``POST /x``: the body's fields plus an id, ``object``, timestamps and
the type's other required fields), retrieve (``GET /x/{id}``, 404 when unknown), update (``POST
/x/{id}``: the body merged in), list (``GET /x``: a cursor page in creation order honouring ``limit``
and ``after``) and delete (``DELETE /x/{id}``: ``{id, object: "<object>.deleted", deleted: true}``).
Shape-correct, not behaviour-correct: nothing runs an agent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._records import RecordedRequest
from ._reply import Reply
from ._state import BadRequest, ServerState, json_body

__all__ = ["COLLECTIONS", "Collection"]


@dataclass(frozen=True)
class Collection:
    path: str  # "/agents/sessions"
    object: str  # "agent.session"
    id_prefix: str  # "sess_"
    defaults: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda body: {})

    def _items(self, state: ServerState) -> dict[str, dict[str, Any]]:
        return state.collections.setdefault(self.path, {})

    def _get(self, state: ServerState, item_id: str) -> dict[str, Any]:
        found = self._items(state).get(item_id)
        if found is None:
            raise BadRequest(f"No {self.object} found with id '{item_id}'.", status=404)
        return found

    def create(self, request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
        body = json_body(request) if request.body else {}
        now = state.config.created
        item: dict[str, Any] = {
            "id": state.next_id(self.id_prefix),
            "object": self.object,
            "created_at": now,
            "updated_at": now,
            "metadata": {},
            **self.defaults(body),
            **body,
        }
        self._items(state)[item["id"]] = item
        return Reply(json=item)

    def retrieve(self, request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
        return Reply(json=self._get(state, params["id"]))

    def update(self, request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
        item = self._get(state, params["id"])
        item.update(json_body(request) if request.body else {})
        return Reply(json=item)

    def delete(self, request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
        self._get(state, params["id"])
        del self._items(state)[params["id"]]
        return Reply(json={"id": params["id"], "object": f"{self.object}.deleted", "deleted": True})

    def list(self, request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
        items = list(self._items(state).values())
        after = request.query_value("after")
        if after is not None:
            ids = [i["id"] for i in items]
            items = items[ids.index(after) + 1 :] if after in ids else []
        raw_limit = request.query_value("limit") or "20"
        try:
            limit = int(raw_limit)
        except ValueError:
            raise BadRequest(f"Invalid 'limit': {raw_limit!r}.", param="limit") from None
        page = items[: max(limit, 1)]
        return Reply(
            json={
                "object": "list",
                "data": page,
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None,
                "has_more": len(items) > len(page),
            }
        )


def _agent(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "model": "gpt-5",
        "tools": [],
        "service_tier": "auto",
        "multi_agent": {},
        "reasoning": {},
        "text": {},
        "instructions": None,
        "name": None,
    }


def _session(body: dict[str, Any]) -> dict[str, Any]:
    return {
        # As the real service: the resolved agent, and an environment object (``{"type": "none"}``
        # when the request chose none), so the session decodes as ``AgentSession``.
        "agent": {"id": body.get("agent_id", "agent_fake"), "object": "agent", **_agent({})},
        "environment": {"type": "none"},
        "last_active_at": 0,
        "required_actions": [],
        "status": "idle",
        "vault_ids": [],
    }


def _environment(body: dict[str, Any]) -> dict[str, Any]:
    return {"files": [], "plugins": [], "skills": [], "status": "ready", "type": "openai_hosted"}


def _webhook_endpoint(body: dict[str, Any]) -> dict[str, Any]:
    return {"event_types": [], "name": "", "url": "", "signing_secret": "whsec_ZmFrZQ=="}


#: More specific paths first: ``/agents/sessions`` before ``/agents/{id}``.
COLLECTIONS: tuple[Collection, ...] = (
    Collection("/agents/sessions", "agent.session", "sess_", _session),
    Collection("/agents/environments", "agent.environment", "env_", _environment),
    Collection("/agents", "agent", "agent_", _agent),
    Collection("/vaults", "vault", "vault_"),
    Collection("/webhook_endpoints", "webhook_endpoint", "we_", _webhook_endpoint),
)
