"""Files (upload, retrieve, content, delete, list) and batches (create, retrieve, list, cancel).

Uploaded files live in the server's memory. A batch runs its input file over a few polls: created
``validating``; each ``GET /v1/batches/{id}`` moves it one step: ``in_progress`` (the first half of
its requests answered), then ``completed`` (all answered, an output file of the answers and an
error file of the lines that could not run). Every line is answered by the server's own routes
(scripts and overrides included), so a batch's answers match the live ones.

``server.plan_batch(...)`` makes the next created batch end otherwise: ``"failed"`` (validation
fails, no output), ``"expired"`` (``finish`` requests done, the rest ``batch_expired`` in the error
file) or more polls per step. ``POST /v1/batches/{id}/cancel`` makes it ``cancelling``, then
``cancelled`` at the next poll with what it had done (the rest ``batch_cancelled``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import msgspec

from ._catalog import catalog_files
from ._multipart import parse_form
from ._records import Headers, RecordedRequest
from ._reply import Reply
from ._state import BadRequest, ServerState, json_body, require

__all__ = [
    "BatchPlan",
    "StoredBatch",
    "StoredFile",
    "cancel_batch",
    "create_batch",
    "delete_file",
    "file_content",
    "list_batches",
    "list_uploaded_files",
    "retrieve_batch_or_synthetic",
    "retrieve_file",
    "upload_file",
]

BatchOutcome = Literal["completed", "failed", "expired"]
_ENDPOINTS = ("/v1/chat/completions", "/v1/responses", "/v1/embeddings", "/v1/completions", "/v1/moderations")
_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchPlan:
    """How the next created batch behaves: its ``outcome``, how many requests it finishes before
    expiring (``finish``, for ``"expired"``), and ``polls`` retrieves per status step."""

    outcome: BatchOutcome = "completed"
    finish: int = 0
    polls: int = 1


@dataclass(slots=True)
class StoredFile:
    id: str
    filename: str
    purpose: str
    data: bytes
    created_at: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.data),
            "created_at": self.created_at,
            "expires_at": None,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
            "status_details": None,
        }


@dataclass(slots=True)
class StoredBatch:
    id: str
    endpoint: str
    input_file_id: str
    completion_window: str
    metadata: dict[str, Any] | None
    created_at: int
    plan: BatchPlan
    lines: list[bytes]
    status: str = "validating"
    polls: int = 0
    done: int = 0
    output: list[bytes] = field(default_factory=list[bytes])
    failures: list[bytes] = field(default_factory=list[bytes])
    failed_count: int = 0
    errors: list[dict[str, Any]] | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    stamps: dict[str, int] = field(default_factory=dict[str, int])


Dispatch = Callable[[RecordedRequest], Reply]


def _now(state: ServerState) -> int:
    return state.config.created + state.next_number("clock")


def upload_file(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    try:
        form = parse_form(request.body, request.headers.get("content-type", ""))
    except ValueError as exc:
        raise BadRequest(f"Invalid file upload: {exc}.") from None
    upload = form.get("file")
    if upload is None:
        raise BadRequest(
            "Missing required parameter: 'file'.", param="file", code="missing_required_parameter"
        )
    purpose_field = form.get("purpose")
    if purpose_field is None:
        raise BadRequest(
            "Missing required parameter: 'purpose'.", param="purpose", code="missing_required_parameter"
        )
    purpose = purpose_field.text()
    if purpose not in _PURPOSES:
        raise BadRequest(f"Invalid value for 'purpose': {purpose!r}.", param="purpose")
    stored = StoredFile(
        state.next_id("file-up"), upload.filename or "upload", purpose, upload.data, _now(state)
    )
    state.uploads[stored.id] = stored
    return Reply(json=stored.to_json())


def _file(state: ServerState, file_id: str) -> StoredFile:
    stored = state.uploads.get(file_id)
    if stored is None:
        raise BadRequest(f"No such File object: {file_id}", status=404, param="id")
    return stored


def retrieve_file(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    return Reply(json=_file(state, params["id"]).to_json())


def file_content(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    stored = _file(state, params["id"])
    return Reply(body=stored.data, headers={"content-type": "application/octet-stream"})


def delete_file(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    stored = _file(state, params["id"])
    del state.uploads[stored.id]
    return Reply(json={"id": stored.id, "object": "file", "deleted": True})


def _page_of(request: RecordedRequest, items: list[dict[str, Any]]) -> Reply:
    """Newest first, ``limit`` (default 20) and ``after`` (an id) as the API does."""
    raw_limit = request.query_value("limit") or "20"
    try:
        limit = int(raw_limit)
    except ValueError:
        raise BadRequest(f"Invalid 'limit': {raw_limit!r} is not an integer.", param="limit") from None
    if not 1 <= limit <= 10_000:
        raise BadRequest(f"Invalid 'limit': {limit}.", param="limit")
    after = request.query_value("after")
    start = 0
    if after is not None:
        ids = [item["id"] for item in items]
        if after not in ids:
            raise BadRequest(f"No such object: {after!r} (used as 'after').", status=404, param="after")
        start = ids.index(after) + 1
    data = items[start : start + limit]
    return Reply(
        json={
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": start + limit < len(items),
        }
    )


def list_uploaded_files(request: RecordedRequest, state: ServerState) -> Reply:
    """Uploads (newest first) ahead of the configured catalogue, as one listing."""
    files = [stored.to_json() for stored in reversed(state.uploads.values())] + catalog_files(state)
    if request.query_value("order") == "asc":
        files.reverse()
    purpose = request.query_value("purpose")
    if purpose is not None:
        files = [item for item in files if item["purpose"] == purpose]
    return _page_of(request, files)


def create_batch(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    document = json_body(request)
    input_file_id = str(require(document, "input_file_id"))
    endpoint = str(require(document, "endpoint"))
    window = str(require(document, "completion_window"))
    if endpoint not in _ENDPOINTS:
        raise BadRequest(f"Invalid value for 'endpoint': {endpoint!r}.", param="endpoint")
    if window != "24h":
        raise BadRequest(f"Invalid value for 'completion_window': {window!r}.", param="completion_window")
    stored = _file(state, input_file_id)
    if stored.purpose != "batch":
        raise BadRequest(
            f"File {input_file_id} has purpose {stored.purpose!r}, not 'batch'.", param="input_file_id"
        )
    metadata = document.get("metadata")
    plan = state.batch_plans.popleft() if state.batch_plans else BatchPlan()
    batch = StoredBatch(
        id=state.next_id("batch_"),
        endpoint=endpoint,
        input_file_id=input_file_id,
        completion_window=window,
        metadata=cast("dict[str, Any]", metadata) if isinstance(metadata, dict) else None,
        created_at=_now(state),
        plan=plan,
        lines=[line for line in stored.data.splitlines() if line.strip()],
    )
    state.batches[batch.id] = batch
    return Reply(json=_batch_json(batch))


def retrieve_batch_or_synthetic(
    request: RecordedRequest, params: dict[str, str], state: ServerState, synthetic: Callable[[], Reply]
) -> Reply:
    batch = state.batches.get(params["id"])
    if batch is None:
        return synthetic()
    _advance(batch, state)
    return Reply(json=_batch_json(batch))


def list_batches(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    return _page_of(request, [_batch_json(batch) for batch in reversed(state.batches.values())])


def cancel_batch(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    batch = state.batches.get(params["id"])
    if batch is None:
        raise BadRequest(f"No such Batch object: {params['id']}", status=404, param="id")
    if batch.status in ("completed", "failed", "expired", "cancelled"):
        raise BadRequest(f"Cannot cancel a batch with status {batch.status!r}.", status=409)
    if batch.status != "cancelling":
        batch.status = "cancelling"
        batch.stamps["cancelling_at"] = _now(state)
    return Reply(json=_batch_json(batch))


def _advance(batch: StoredBatch, state: ServerState) -> None:
    if batch.status in ("completed", "failed", "expired", "cancelled"):
        return
    if batch.status == "cancelling":
        _finish(
            batch, state, "cancelled", "batch_cancelled", "This request was not run: the batch was cancelled."
        )
        return
    batch.polls += 1
    if batch.polls < batch.plan.polls:
        return
    batch.polls = 0
    if batch.status == "validating":
        problem = _validate(batch)
        if problem is not None or batch.plan.outcome == "failed":
            batch.status = "failed"
            batch.errors = [
                problem or {"code": "invalid_request", "message": "The fake server failed this batch."}
            ]
            batch.stamps["failed_at"] = _now(state)
            return
        batch.status = "in_progress"
        batch.stamps["in_progress_at"] = _now(state)
        limit = len(batch.lines) // 2
        if batch.plan.outcome == "expired":
            limit = min(limit, batch.plan.finish)
        _run(batch, state, limit)
        return
    if batch.plan.outcome == "expired":
        _run(batch, state, batch.plan.finish)
        _finish(
            batch,
            state,
            "expired",
            "batch_expired",
            "This request could not be executed before the completion window expired.",
        )
        return
    _run(batch, state, len(batch.lines))
    _finish(batch, state, "completed", None, "")


def _validate(batch: StoredBatch) -> dict[str, Any] | None:
    seen: set[str] = set()
    for number, raw in enumerate(batch.lines, start=1):
        try:
            line = msgspec.json.decode(raw)
        except msgspec.DecodeError:
            return {
                "code": "invalid_json_line",
                "message": f"Line {number} is not valid JSON.",
                "line": number,
            }
        if not isinstance(line, dict):
            return {
                "code": "invalid_json_line",
                "message": f"Line {number} is not a JSON object.",
                "line": number,
            }
        fields: dict[str, Any] = line  # pyright: ignore[reportUnknownVariableType]
        custom_id = fields.get("custom_id")
        if not isinstance(custom_id, str) or custom_id in seen:
            return {
                "code": "duplicate_custom_id",
                "message": f"Line {number}: missing or repeated custom_id.",
                "line": number,
            }
        seen.add(custom_id)
        if fields.get("url") != batch.endpoint:
            return {
                "code": "mismatched_endpoint",
                "message": f"Line {number}: url is not {batch.endpoint}.",
                "line": number,
            }
    return None


def _run(batch: StoredBatch, state: ServerState, upto: int) -> None:
    """Answer the lines ``batch.done`` up to ``upto`` through the server's own routes."""
    dispatch = state.dispatch
    assert dispatch is not None
    while batch.done < min(upto, len(batch.lines)):
        raw = batch.lines[batch.done]
        batch.done += 1
        line = msgspec.json.decode(raw)
        body = msgspec.json.encode(line.get("body"))
        request_id = f"req_{state.next_id('batch')}"
        inner = RecordedRequest(
            method=str(line.get("method", "POST")).upper(),
            path=str(line["url"]),
            query={},
            headers=Headers([("content-type", "application/json")]),
            body=body,
            connection_id=0,
            request_id=request_id,
        )
        reply = dispatch(inner)
        answer = reply.payload() if reply.chunks is None else b"".join(reply.chunks)
        try:
            decoded: Any = msgspec.json.decode(answer)
        except msgspec.DecodeError:
            decoded = answer.decode("utf-8", "replace")
        if reply.status >= 400:
            batch.failed_count += 1
        batch.output.append(
            msgspec.json.encode(
                {
                    "id": state.next_id("batch_req_"),
                    "custom_id": line["custom_id"],
                    "response": {"status_code": reply.status, "request_id": request_id, "body": decoded},
                    "error": None,
                }
            )
        )


def _finish(batch: StoredBatch, state: ServerState, status: str, code: str | None, message: str) -> None:
    if code is not None:
        for raw in batch.lines[batch.done :]:
            custom_id = msgspec.json.decode(raw).get("custom_id")
            batch.failures.append(
                msgspec.json.encode(
                    {
                        "id": state.next_id("batch_req_"),
                        "custom_id": custom_id,
                        "response": None,
                        "error": {"code": code, "message": message},
                    }
                )
            )
    if batch.output:
        batch.output_file_id = _store(state, f"{batch.id}_output.jsonl", batch.output)
    if batch.failures:
        batch.error_file_id = _store(state, f"{batch.id}_error.jsonl", batch.failures)
    batch.status = status
    batch.stamps[f"{status}_at" if status != "completed" else "completed_at"] = _now(state)


def _store(state: ServerState, name: str, lines: list[bytes]) -> str:
    stored = StoredFile(
        state.next_id("file-up"), name, "batch_output", b"\n".join(lines) + b"\n", _now(state)
    )
    state.uploads[stored.id] = stored
    return stored.id


def _batch_json(batch: StoredBatch) -> dict[str, Any]:
    stamps = batch.stamps
    total = len(batch.lines) if batch.status != "validating" else 0
    completed = batch.done - batch.failed_count
    failed = batch.failed_count + len(batch.failures)
    return {
        "id": batch.id,
        "object": "batch",
        "endpoint": batch.endpoint,
        "model": None,
        "errors": None if batch.errors is None else {"object": "list", "data": batch.errors},
        "input_file_id": batch.input_file_id,
        "completion_window": batch.completion_window,
        "status": batch.status,
        "output_file_id": batch.output_file_id,
        "error_file_id": batch.error_file_id,
        "created_at": batch.created_at,
        "in_progress_at": stamps.get("in_progress_at"),
        "expires_at": batch.created_at + 86_400,
        "finalizing_at": stamps.get("finalizing_at"),
        "completed_at": stamps.get("completed_at"),
        "failed_at": stamps.get("failed_at"),
        "expired_at": stamps.get("expired_at"),
        "cancelling_at": stamps.get("cancelling_at"),
        "cancelled_at": stamps.get("cancelled_at"),
        "request_counts": {"total": total, "completed": completed, "failed": failed},
        "metadata": batch.metadata,
    }
