"""Which reply a request gets: scripted replies first, then route overrides, then the default routes."""

from __future__ import annotations

import dataclasses
import re
from collections import deque
from collections.abc import Callable
from urllib.parse import unquote

from ._agent_sessions import (
    list_artifacts,
    post_session_events,
    retrieve_artifact,
    session_artifact_content,
    subscribe_session_events,
)
from ._azure import azure_path, azure_refusal
from ._batches import (
    cancel_batch,
    create_batch,
    delete_file,
    file_content,
    list_batches,
    list_uploaded_files,
    retrieve_batch_or_synthetic,
    retrieve_file,
    upload_file,
)
from ._catalog import (
    delete_model,
    list_files,
    list_models,
    list_vector_store_files,
    retrieve_batch,
    retrieve_model,
)
from ._chat import create_chat_completion
from ._collections import COLLECTIONS
from ._embeddings import create_embeddings
from ._records import RecordedRequest
from ._reply import Reply
from ._responses import create_response, retrieve_response
from ._state import BadRequest, ServerState

__all__ = ["Handler", "Router", "normalize_path"]

Handler = Callable[[RecordedRequest], Reply]
_Default = Callable[[RecordedRequest, dict[str, str], ServerState], Reply]


def _route(method: str, template: str, handler: _Default) -> tuple[str, re.Pattern[str], _Default]:
    pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return method, re.compile(f"/v1{pattern}"), handler


_DEFAULT_ROUTES = (
    _route("GET", "/models", list_models),
    _route("GET", "/models/{id}", retrieve_model),
    _route("DELETE", "/models/{id}", delete_model),
    _route("POST", "/chat/completions", create_chat_completion),
    _route("POST", "/responses", create_response),
    _route("GET", "/responses/{id}", retrieve_response),
    _route("POST", "/embeddings", create_embeddings),
    _route("GET", "/files", lambda r, p, s: list_uploaded_files(r, s) if s.uploads else list_files(r, p, s)),
    _route("POST", "/files", upload_file),
    _route("GET", "/files/{id}", retrieve_file),
    _route("GET", "/files/{id}/content", file_content),
    _route("DELETE", "/files/{id}", delete_file),
    _route("GET", "/vector_stores/{id}/files", list_vector_store_files),
    _route("POST", "/batches", create_batch),
    _route("GET", "/batches", list_batches),
    _route(
        "GET",
        "/batches/{id}",
        lambda r, p, s: retrieve_batch_or_synthetic(r, p, s, lambda: retrieve_batch(r, p, s)),
    ),
    _route("POST", "/batches/{id}/cancel", cancel_batch),
    _route("GET", "/agents/sessions/{id}/events", subscribe_session_events),
    _route("POST", "/agents/sessions/{id}/events", post_session_events),
    _route("GET", "/agents/sessions/{id}/artifacts", list_artifacts),
    _route("GET", "/agents/sessions/{id}/artifacts/{artifact_id}", retrieve_artifact),
    _route("GET", "/agents/sessions/{id}/artifacts/{artifact_id}/content", session_artifact_content),
    *(
        route
        for c in COLLECTIONS
        for route in (
            _route("POST", c.path, c.create),
            _route("GET", c.path, c.list),
            _route("GET", c.path + "/{id}", c.retrieve),
            _route("POST", c.path + "/{id}", c.update),
            _route("DELETE", c.path + "/{id}", c.delete),
        )
    ),
)


def normalize_path(path: str) -> str:
    """The form scripts and overrides are keyed by: ``/v1`` prefix added when missing, no query, no trailing /.

    ``"chat/completions"``, ``"/chat/completions"`` and ``"/v1/chat/completions/"`` all become
    ``"/v1/chat/completions"``. An Azure-shaped path stands for its ``/v1`` equivalent
    (``"/openai/deployments/d/chat/completions"`` and ``"/openai/v1/chat/completions"`` too).
    """
    path = "/" + path.partition("?")[0].strip("/")
    if path.startswith("/openai"):
        shape = azure_path(path)
        if shape is not None:
            return shape.v1_path.rstrip("/") or "/v1"
    if path != "/v1" and not path.startswith("/v1/"):
        path = "/v1" + path.rstrip("/")
    return path


class Router:
    """Picks the reply for each request and keeps the scripted queues."""

    def __init__(self, state: ServerState) -> None:
        self._state = state
        state.dispatch = self.dispatch
        self._scripts: dict[tuple[str, str], deque[Reply]] = {}
        self._overrides: dict[tuple[str, str], Handler] = {}
        self.errors: list[Exception] = []

    def script(self, method: str, path: str, *replies: Reply) -> None:
        for reply in replies:
            if not isinstance(reply, Reply):  # pyright: ignore[reportUnnecessaryIsInstance]
                raise TypeError(f"script() takes Reply objects, not {type(reply).__name__}")
        self._scripts.setdefault((method.upper(), normalize_path(path)), deque()).extend(replies)

    def override(self, method: str, path: str, handler: Handler | None) -> None:
        key = (method.upper(), normalize_path(path))
        if handler is None:
            self._overrides.pop(key, None)
        else:
            self._overrides[key] = handler

    def pending(self) -> int:
        """How many scripted replies are still waiting for their request."""
        return sum(len(queue) for queue in self._scripts.values())

    def dispatch(self, request: RecordedRequest) -> Reply:
        path = request.path
        if path.startswith("/openai"):  # Azure: its api-version and credential checks come first
            shape = azure_path(path)
            if shape is not None:
                refusal = azure_refusal(request, shape, self._state.config)
                if refusal is not None:
                    return refusal
                path = shape.v1_path
        key = (request.method, normalize_path(path))
        queue = self._scripts.get(key)
        if queue:
            return queue.popleft()
        override = self._overrides.get(key)
        try:
            if override is not None:
                return override(request)
            return self._default(request, path)
        except BadRequest as problem:
            return Reply.error(problem.status, problem.message, param=problem.param, code=problem.code)
        except Exception as bug:
            self.errors.append(bug)
            return Reply.error(500, f"The fake server failed: {bug!r}")

    def _default(self, request: RecordedRequest, path: str) -> Reply:
        for method, pattern, handler in _DEFAULT_ROUTES:
            found = pattern.fullmatch(path)
            if found and method == ("GET" if request.method == "HEAD" else request.method):
                params = {name: unquote(value) for name, value in found.groupdict().items()}
                reply = handler(request, params, self._state)
                latency = self._state.config.latency
                return dataclasses.replace(reply, delay=reply.delay + latency) if latency else reply
        raise BadRequest(f"Invalid URL ({request.method} {request.path})", status=404)
