"""The fake server's mutable state, shared by its route handlers, and the error they raise."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import msgspec

from ._config import FakeServerConfig, StreamKnobs
from ._records import RecordedRequest

if TYPE_CHECKING:
    from ._batches import BatchPlan, StoredBatch, StoredFile
    from ._reply import Reply

__all__ = [
    "BadRequest",
    "ServerState",
    "StoredResponse",
    "as_dict",
    "as_list",
    "json_body",
    "require",
    "stream_knobs",
]


class BadRequest(Exception):
    """Raised by a handler to answer with an OpenAI error document."""

    def __init__(self, message: str, *, status: int = 400, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.param = param
        self.code = code


@dataclass(slots=True)
class StoredResponse:
    """A Responses API object kept for ``GET /v1/responses/{id}``, with its text pieces for replay."""

    response: dict[str, Any]
    pieces: list[str]


@dataclass(slots=True)
class ServerState:
    """Everything the default routes remember between requests (one instance per server)."""

    config: FakeServerConfig
    models: list[str] = field(default_factory=list[str])
    responses: dict[str, StoredResponse] = field(default_factory=dict[str, StoredResponse])
    page_failures: dict[tuple[str, int], int] = field(default_factory=dict[tuple[str, int], int])
    uploads: dict[str, StoredFile] = field(default_factory=dict[str, "StoredFile"])
    batches: dict[str, StoredBatch] = field(default_factory=dict[str, "StoredBatch"])
    batch_plans: deque[BatchPlan] = field(default_factory=deque["BatchPlan"])
    dispatch: Callable[[RecordedRequest], Reply] | None = None
    """The router's dispatch: how a batch answers its lines through the server's own routes."""
    #: Stored objects of the generic collections (``_collections.py``): path -> id -> object.
    collections: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=dict[str, dict[str, dict[str, Any]]]
    )
    #: The fake agent's per-session inputs and artifacts (``_agent_sessions.py``): session id -> run.
    agent_runs: dict[str, Any] = field(default_factory=dict[str, Any])
    _counters: dict[str, int] = field(default_factory=dict[str, int])

    def __post_init__(self) -> None:
        self.models = list(self.config.models)

    def next_id(self, prefix: str) -> str:
        """Deterministic ids: ``chatcmpl-fake000001``, ``resp_fake000002``... counted per prefix."""
        number = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = number
        return f"{prefix}fake{number:06d}"

    def next_number(self, name: str) -> int:
        """A counter per name, from 1 (used as a clock for the created_at of uploads and batches)."""
        number = self._counters.get("#" + name, 0) + 1
        self._counters["#" + name] = number
        return number


def json_body(request: RecordedRequest) -> dict[str, Any]:
    """The request's JSON object, or a 400 like the real API's."""
    try:
        document = msgspec.json.decode(request.body)
    except msgspec.DecodeError:
        raise BadRequest(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
            "your HTTP library correctly. The OpenAI API expects a JSON payload.)"
        ) from None
    if not isinstance(document, dict):
        raise BadRequest("The request body must be a JSON object.")
    return cast("dict[str, Any]", document)


def require(document: Mapping[str, Any], name: str) -> Any:
    """``document[name]``, or the real API's 400 for a missing parameter."""
    if document.get(name) is None:
        raise BadRequest(
            f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter"
        )
    return document[name]


def stream_knobs(state: ServerState, request: RecordedRequest) -> StreamKnobs:
    try:
        return StreamKnobs.from_request(state.config, request.headers)
    except ValueError as exc:
        raise BadRequest(f"Bad X-Fake-* header: {exc}") from None


def as_dict(value: object) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty dict (JSON from clients is untrusted)."""
    return cast("dict[str, Any]", value) if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    """``value`` if it is a JSON array, else an empty list."""
    return cast("list[Any]", value) if isinstance(value, list) else []
