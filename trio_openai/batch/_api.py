"""API mode: the same input run through the Batch API, resumable from a state file beside OUTPUT.

``run_file_api`` validates the input, opens the journal, then:

1. resumes the batches listed in the state file (``OUTPUT.batches.json``): one that was uploaded but
   whose ``batches.create`` answer was never recorded (a crash in between) is looked up by its
   input file among the account's batches before anything is submitted again;
2. streams the requests that are neither recorded nor in a pending batch into batch files, one per
   endpoint (and model), each at most ``max_batch_requests`` lines and ``max_batch_bytes`` bytes;
   each is uploaded (``purpose="batch"``), recorded, submitted, recorded again;
3. polls the pending batches, the first polls after about a second and then backing off up to
   ``poll_interval`` seconds;
4. merges each finished batch's output and error files into OUTPUT and ERRORS (an answer with an
   error status goes to ERRORS), skipping custom_ids already recorded, so a merge cut short by a
   crash is simply done again.

Requests that a failed, expired or cancelled batch did not finish are recorded nowhere: the run
reports them as unfinished and rerunning the same command submits them again. The state file is
replaced atomically (written, fsynced, renamed) and deleted once nothing is pending.
"""

from __future__ import annotations

import os
import tempfile
from typing import TYPE_CHECKING, Any, cast

import msgspec
import trio

from ._files import RunReport, _realpath, _report
from ._format import BatchError, BatchRequest, BatchResult, client_path, decode_result
from ._input import check_input, iter_requests
from ._journal import Journal
from ._progress import BatchCounts, OnProgress, RunProgress

if TYPE_CHECKING:
    from .._client import AsyncOpenAI
    from ..types.batch import Batch

__all__ = [
    "DEFAULT_MAX_BATCH_BYTES",
    "DEFAULT_MAX_BATCH_REQUESTS",
    "BatchStateError",
    "cancel_file_api",
    "run_file_api",
    "state_path",
]

DEFAULT_MAX_BATCH_REQUESTS = 50_000
DEFAULT_MAX_BATCH_BYTES = 200 * 1024 * 1024
_TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
_UNFINISHED_CODES = frozenset({"batch_expired", "batch_cancelled", "batch_failed"})
_FIRST_POLL = 1.0
_POLL_GROWTH = 1.5


class BatchStateError(ValueError):
    """The state file beside OUTPUT belongs to another input, or cannot be read."""


class _Entry(msgspec.Struct, kw_only=True):
    endpoint: str
    file_id: str
    custom_ids: list[str]
    batch_id: str | None = None
    status: str | None = None
    merged: bool = False
    counts: dict[str, int] | None = None


class _State(msgspec.Struct, kw_only=True):
    input: str
    batches: list[_Entry] = msgspec.field(default_factory=list[_Entry])


def state_path(output: str | os.PathLike[str]) -> str:
    """Where API mode keeps its batch ids: ``OUTPUT`` with ``.batches.json`` appended."""
    return os.fspath(output) + ".batches.json"


def _load(path: str, input: str | None) -> _State:
    try:
        with open(path, "rb") as file:
            state = msgspec.json.decode(file.read(), type=_State)
    except FileNotFoundError:
        return _State(input=input or "")
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise BatchStateError(f"{path}: not a batch state file ({exc})") from None
    if input is not None and state.input and state.input != input:
        raise BatchStateError(
            f"{path} tracks batches of {state.input}, not of {input}: use another OUTPUT, or delete it"
        )
    return state


def _save(path: str, state: _State) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=".batches-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(msgspec.json.encode(state))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


class _Model(msgspec.Struct):
    model: Any = None


_model_decoder = msgspec.json.Decoder(_Model)


def _group_key(request: BatchRequest) -> tuple[str, str]:
    endpoint = "/v1" + (client_path(request.url) or "")
    try:
        model = _model_decoder.decode(request.body).model
    except (msgspec.DecodeError, msgspec.ValidationError):
        model = None
    return endpoint, model if isinstance(model, str) else ""


class _Chunk:
    """One batch file being written to a temporary file."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.ids: list[str] = []
        self.size = 0

    def add(self, line: bytes, custom_id: str) -> None:
        self.file.write(line)
        self.ids.append(custom_id)
        self.size += len(line)

    def data(self) -> bytes:
        self.file.seek(0)
        return self.file.read()

    def close(self) -> None:
        self.file.close()


class _ApiRun:
    def __init__(
        self,
        client: AsyncOpenAI,
        journal: Journal,
        state: _State,
        path: str,
        *,
        total: int,
        poll_interval: float,
        progress: OnProgress | None,
        completion_window: str,
        metadata: dict[str, str] | None,
    ) -> None:
        self.client = client
        self.journal = journal
        self.state = state
        self.path = path
        self.total = total
        self.poll_interval = poll_interval
        self.progress = progress
        self.completion_window = completion_window
        self.metadata = metadata
        self.notes: list[str] = []
        self.submitted = 0
        self.started = trio.current_time()

    def report(self, message: str | None = None) -> None:
        if message is not None:
            self.notes.append(message)
        if self.progress is None:
            return
        batches = tuple(
            BatchCounts(
                id=entry.batch_id or entry.file_id,
                status=entry.status or "uploaded",
                total=(entry.counts or {}).get("total", len(entry.custom_ids)),
                completed=(entry.counts or {}).get("completed", 0),
                failed=(entry.counts or {}).get("failed", 0),
            )
            for entry in self.state.batches
        )
        self.progress(
            RunProgress(
                total=self.total,
                succeeded=self.journal.succeeded,
                failed=self.journal.failed,
                elapsed=trio.current_time() - self.started,
                batches=batches,
                message=message,
            )
        )

    async def save(self) -> None:
        await trio.to_thread.run_sync(_save, self.path, self.state)

    async def adopt_orphans(self) -> None:
        """Entries uploaded but not known to be submitted: find their batch, or submit them now."""
        orphans = {entry.file_id: entry for entry in self.state.batches if entry.batch_id is None}
        if not orphans:
            return
        async for batch in self.client.batches.list(limit=100):
            entry = orphans.pop(batch.input_file_id, None)
            if entry is not None:
                entry.batch_id, entry.status = batch.id, str(batch.status)
            if not orphans:
                break
        await self.save()
        for entry in orphans.values():
            await self.create(entry)

    async def create(self, entry: _Entry) -> None:
        extra: dict[str, Any] = {}
        if self.metadata:
            extra["metadata"] = self.metadata
        batch = await self.client.batches.create(
            input_file_id=entry.file_id,
            endpoint=entry.endpoint,  # type: ignore[arg-type]
            completion_window=self.completion_window,  # type: ignore[arg-type]
            **extra,
        )
        entry.batch_id, entry.status = batch.id, str(batch.status)
        await self.save()
        self.submitted += len(entry.custom_ids)
        self.report(f"submitted {batch.id}: {len(entry.custom_ids)} requests to {entry.endpoint}")

    async def submit(self, chunk: _Chunk) -> None:
        data = await trio.to_thread.run_sync(chunk.data)
        uploaded = await self.client.files.create(
            file=("batch-input.jsonl", data, "application/jsonl"), purpose="batch"
        )
        entry = _Entry(endpoint=chunk.endpoint, file_id=uploaded.id, custom_ids=chunk.ids)
        self.state.batches.append(entry)
        await self.save()  # before create: a crash now is found again by its file id
        await self.create(entry)

    async def poll(self, stop: trio.Event | None) -> None:
        delay = min(_FIRST_POLL, self.poll_interval)
        while True:
            pending = [entry for entry in self.state.batches if not entry.merged and entry.batch_id]
            if not pending:
                return
            for entry in pending:
                assert entry.batch_id is not None
                batch = await self.client.batches.retrieve(entry.batch_id)
                self.observe(entry, batch)
                if str(batch.status) in _TERMINAL:
                    await self.merge(entry, batch)
            self.report()
            if all(entry.merged for entry in pending):
                continue
            with trio.move_on_after(delay):
                if stop is not None:
                    await stop.wait()
                    self.report("stopped polling; the batches go on: rerun to resume")
                    return
                await trio.sleep_forever()
            delay = min(delay * _POLL_GROWTH, self.poll_interval)

    def observe(self, entry: _Entry, batch: Batch) -> None:
        entry.status = str(batch.status)
        counts = batch.request_counts
        if counts is not None:
            entry.counts = {"total": counts.total, "completed": counts.completed, "failed": counts.failed}

    async def merge(self, entry: _Entry, batch: Batch) -> None:
        ids = set(entry.custom_ids)
        for file_id in (batch.output_file_id, batch.error_file_id):
            if not file_id:
                continue
            content = (await self.client.files.content(file_id)).read()
            for raw in content.splitlines():
                if not raw.strip():
                    continue
                try:
                    result = _as_recorded(decode_result(raw))
                except (msgspec.DecodeError, msgspec.ValidationError):
                    continue  # not ours to judge: the request stays unfinished and is rerun
                if result is None or result.custom_id not in ids:
                    continue
                self.journal.record(result)
        await trio.to_thread.run_sync(self.journal.sync)
        entry.merged = True
        await self.save()
        status = str(batch.status)
        left = sum(1 for custom_id in entry.custom_ids if custom_id not in self.journal.recorded)
        if status == "completed" and not left:
            self.report(f"{batch.id} completed")
            return
        why = ""
        if batch.errors is not None and batch.errors.data:
            why = ": " + "; ".join(
                f"{error.code or 'error'}: {error.message or ''}".strip() for error in batch.errors.data[:3]
            )
        self.report(f"{batch.id} {status}{why}; {left} requests not done (rerun to submit them again)")


def _as_recorded(result: BatchResult) -> BatchResult | None:
    """How a Batch API line is recorded: an error status becomes a failure; ``None`` for requests
    the batch did not run (expired, cancelled), which stay to be done."""
    if result.error is not None:
        if result.error.code in _UNFINISHED_CODES:
            return None
        return result
    response = result.response
    if response is None:
        return None
    if response.status_code < 400:
        return result
    code: str | None = f"http_{response.status_code}"
    message = f"HTTP {response.status_code}"
    try:
        body = response.json()
    except msgspec.DecodeError:
        body = None
    if isinstance(body, dict):
        error = cast("dict[str, Any]", body).get("error")
        if isinstance(error, dict):
            fields = cast("dict[str, Any]", error)
            code = str(fields.get("code") or fields.get("type") or code)
            message = str(fields.get("message") or message)
    return BatchResult(
        id=result.id,
        custom_id=result.custom_id,
        response=response,
        error=BatchError(code=code, message=message),
    )


async def run_file_api(
    client: AsyncOpenAI,
    input: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    errors: str | os.PathLike[str] | None = None,
    max_batch_requests: int = DEFAULT_MAX_BATCH_REQUESTS,
    max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES,
    poll_interval: float = 30.0,
    completion_window: str = "24h",
    metadata: dict[str, str] | None = None,
    progress: OnProgress | None = None,
    stop: trio.Event | None = None,
) -> RunReport:
    """Run ``input`` through the Batch API into ``output`` / ``errors``; see the module."""
    if max_batch_requests < 1 or max_batch_bytes < 1:
        raise ValueError("max_batch_requests and max_batch_bytes must be >= 1")
    if not poll_interval > 0:
        raise ValueError(f"poll_interval must be > 0, not {poll_interval!r}")
    summary = await trio.to_thread.run_sync(check_input, input)
    name = await trio.to_thread.run_sync(_realpath, input)
    path = state_path(output)
    state = await trio.to_thread.run_sync(_load, path, name)
    state.input = name
    with await trio.to_thread.run_sync(Journal, output, errors) as journal:
        run = _ApiRun(
            client,
            journal,
            state,
            path,
            total=summary.requests,
            poll_interval=poll_interval,
            progress=progress,
            completion_window=completion_window,
            metadata=metadata,
        )
        run.report()
        await run.adopt_orphans()
        pending = {custom_id for entry in state.batches if not entry.merged for custom_id in entry.custom_ids}
        chunks: dict[tuple[str, str], _Chunk] = {}
        try:
            for request in iter_requests(input):
                if request.custom_id in journal.recorded or request.custom_id in pending:
                    continue
                if stop is not None and stop.is_set():
                    break
                line = request.to_line()
                if len(line) > max_batch_bytes:
                    raise ValueError(f"request {request.custom_id!r} alone exceeds {max_batch_bytes} bytes")
                key = _group_key(request)
                chunk = chunks.get(key)
                if chunk is not None and (
                    len(chunk.ids) >= max_batch_requests or chunk.size + len(line) > max_batch_bytes
                ):
                    del chunks[key]
                    try:
                        await run.submit(chunk)
                    finally:
                        chunk.close()
                    chunk = None
                if chunk is None:
                    chunk = chunks[key] = _Chunk(key[0])
                chunk.add(line, request.custom_id)
            for key in list(chunks):  # in the order the groups first appeared in the input
                chunk = chunks.pop(key)
                try:
                    await run.submit(chunk)
                finally:
                    chunk.close()
        finally:
            for chunk in chunks.values():
                chunk.close()
        await run.poll(stop)
        if all(entry.merged for entry in state.batches):
            await trio.to_thread.run_sync(_remove, path)
        return await trio.to_thread.run_sync(
            _report, input, journal, summary.requests, run.submitted, tuple(run.notes)
        )


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


async def cancel_file_api(client: AsyncOpenAI, output: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """Cancel every submitted, unfinished batch of the run writing ``output``; returns
    ``(batch id, status)`` pairs. Rerunning the run then merges what they finished."""
    state = await trio.to_thread.run_sync(_load, state_path(output), None)
    cancelled: list[tuple[str, str]] = []
    for entry in state.batches:
        if entry.merged or entry.batch_id is None or entry.status in _TERMINAL:
            continue
        batch = await client.batches.cancel(entry.batch_id)
        cancelled.append((batch.id, str(batch.status)))
    return cancelled
