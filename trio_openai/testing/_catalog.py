"""Read-mostly routes: models, cursor-paginated files and vector store files, batches."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

from ._records import RecordedRequest
from ._reply import Reply
from ._state import BadRequest, ServerState

__all__ = [
    "catalog_files",
    "delete_model",
    "list_files",
    "list_models",
    "list_vector_store_files",
    "retrieve_batch",
    "retrieve_model",
]

_FILE_PREFIX = "file-fake"
_PURPOSES = ("fine-tune", "batch", "assistants", "user_data")
_MAX_LIMIT = 10_000


def list_models(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    return Reply(json={"object": "list", "data": [_model(state, name) for name in state.models]})


def retrieve_model(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    return Reply(json=_model(state, _known_model(state, params["id"])))


def delete_model(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    """Deletes the model from this server's list, so later lookups 404."""
    name = _known_model(state, params["id"])
    state.models.remove(name)
    return Reply(json={"id": name, "object": "model", "deleted": True})


def list_files(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    return _page(request, state, _catalog_file(state))


def catalog_files(state: ServerState) -> list[dict[str, Any]]:
    """The ``config.files`` catalogue files, newest first (for listings that mix in uploads)."""
    make = _catalog_file(state)
    return [make(number) for number in range(state.config.files, 0, -1)]


def _catalog_file(state: ServerState) -> Callable[[int], dict[str, Any]]:
    def make(number: int) -> dict[str, Any]:
        return {
            "id": f"{_FILE_PREFIX}{number:06d}",
            "object": "file",
            "bytes": 1_000 + 7 * number,
            "created_at": state.config.created + number,
            "expires_at": None,
            "filename": f"upload-{number:06d}.jsonl",
            "purpose": _PURPOSES[number % len(_PURPOSES)],
            "status": "processed",
            "status_details": None,
        }

    return make


def list_vector_store_files(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    store = params["id"]

    def make(number: int) -> dict[str, Any]:
        return {
            "id": f"{_FILE_PREFIX}{number:06d}",
            "object": "vector_store.file",
            "usage_bytes": 1_000 + 7 * number,
            "created_at": state.config.created + number,
            "vector_store_id": store,
            "status": "completed",
            "last_error": None,
            "chunking_strategy": {
                "type": "static",
                "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
            },
            "attributes": {},
        }

    return _page(request, state, make)


def retrieve_batch(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    """Any id is a completed batch whose counts derive from the id (stable across runs)."""
    batch_id = params["id"]
    seed = zlib.crc32(batch_id.encode())
    total = 1 + seed % 1_000
    failed = seed % 7 if total > 7 else 0
    created = state.config.created
    return Reply(
        json={
            "id": batch_id,
            "object": "batch",
            "endpoint": "/v1/chat/completions",
            "model": "gpt-4o-mini",
            "errors": None,
            "input_file_id": f"{_FILE_PREFIX}{seed % 1_000_000:06d}",
            "completion_window": "24h",
            "status": "completed",
            "output_file_id": f"{_FILE_PREFIX}{(seed + 1) % 1_000_000:06d}",
            "error_file_id": None,
            "created_at": created,
            "in_progress_at": created + 5,
            "expires_at": created + 86_400,
            "finalizing_at": created + 60,
            "completed_at": created + 90,
            "failed_at": None,
            "expired_at": None,
            "cancelling_at": None,
            "cancelled_at": None,
            "request_counts": {"total": total, "completed": total - failed, "failed": failed},
            "usage": {
                "input_tokens": 100 * total,
                "input_tokens_details": {"cached_tokens": 0},
                "output_tokens": 20 * total,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": 120 * total,
            },
            "metadata": {},
        }
    )


def _model(state: ServerState, name: str) -> dict[str, Any]:
    owner = "openai" if name.startswith(("gpt-", "o")) else "system"
    return {"id": name, "object": "model", "created": state.config.created, "owned_by": owner}


def _known_model(state: ServerState, name: str) -> str:
    if name not in state.models:
        raise BadRequest(
            f"The model '{name}' does not exist or you do not have access to it.",
            status=404,
            param="model",
            code="model_not_found",
        )
    return name


def _page(request: RecordedRequest, state: ServerState, make: Callable[[int], dict[str, Any]]) -> Reply:
    """One page of ``config.files`` objects numbered 1..N, with the API's cursor scheme.

    ``order`` is ``desc`` (newest, i.e. highest number, first) unless ``asc``; ``after`` is the id of
    the last object of the previous page. The page number that ``X-Fake-Fail-Page`` counts is
    ``position_of_first_item // limit + 1``.
    """
    total = state.config.files
    limit = _int_query(request, "limit", default=20)
    if not 1 <= limit <= _MAX_LIMIT:
        raise BadRequest(f"Invalid 'limit': {limit}. It must be between 1 and {_MAX_LIMIT}.", param="limit")
    order = request.query_value("order") or "desc"
    if order not in ("asc", "desc"):
        raise BadRequest(f"Invalid 'order': {order!r}. Expected 'asc' or 'desc'.", param="order")
    start = 0
    after = request.query_value("after")
    if after is not None:
        number = _file_number(after, total)
        start = number if order == "asc" else total - number + 1
    stop = min(start + limit, total)
    numbers = range(start + 1, stop + 1) if order == "asc" else range(total - start, total - stop, -1)
    delay = state.config.page_delay
    failure = _page_failure(request, state, start // limit + 1)
    if failure is not None:
        return Reply.error(failure, "The fake server failed this page on request.", delay=delay)
    data = [make(number) for number in numbers]
    return Reply(
        json={
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": stop < total,
        },
        delay=delay,
    )


def _page_failure(request: RecordedRequest, state: ServerState, page: int) -> int | None:
    """The status to fail with, when ``X-Fake-Fail-Page: N[; status=S][; times=K]`` names this page.

    Without ``times`` the page fails every time; with it, the first K requests for that page (and
    path) fail and later ones succeed, which is how a retry is shown to work.
    """
    spec = request.headers.get("x-fake-fail-page")
    if spec is None:
        return None
    fields = [field.strip() for field in spec.split(";")]
    options: dict[str, str] = {}
    for field in fields[1:]:
        name, _, value = field.partition("=")
        options[name.strip()] = value.strip()
    try:
        wanted = int(fields[0].removeprefix("page="))
        status = int(options.get("status", "500"))
        times = int(options["times"]) if "times" in options else None
    except ValueError:
        raise BadRequest(f"Bad X-Fake-Fail-Page header: {spec!r}") from None
    if wanted != page:
        return None
    key = (request.path, page)
    failed = state.page_failures.get(key, 0)
    if times is not None and failed >= times:
        return None
    state.page_failures[key] = failed + 1
    return status


def _int_query(request: RecordedRequest, name: str, *, default: int) -> int:
    value = request.query_value(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"Invalid '{name}': {value!r} is not an integer.", param=name) from None


def _file_number(file_id: str, total: int) -> int:
    digits = file_id.removeprefix(_FILE_PREFIX)
    if digits != file_id and digits.isdigit() and 1 <= int(digits) <= total:
        return int(digits)
    raise BadRequest(f"No such File object: {file_id!r} (used as 'after').", status=404, param="after")
