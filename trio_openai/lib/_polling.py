"""Polling helpers: wait for a run, a vector store file or batch, a video or an uploaded file to finish.

::

    run = await client.beta.threads.runs.create_and_poll(thread_id=t, assistant_id=a)
    vs_file = await client.vector_stores.files.create_and_poll("file-1", vector_store_id=vs)
    video = await client.videos.create_and_poll(prompt="a cat on a skateboard")

Each helper retrieves the object until it reaches a terminal state (the official SDK's states) and
returns it, whatever that state is (check ``status``). Between retrievals it sleeps (``trio.sleep``, so
cancellable and instant under ``trio.testing.MockClock``) for ``poll_interval_ms`` if given, else for
what the server asks in the ``openai-poll-after-ms`` header of the last response that had it, else one
second. Request options (``timeout=``, ``extra_headers=`` ...) apply to every request. The blocking
client runs the same functions in its portal (``to_sync``), so both behave alike.

These functions become methods of the generated resource classes through
``tools/codegen/_handwritten.py``: their first argument is the resource.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Unpack, cast

import trio

from .._core._options import Omit, RequestOptions, omit

if TYPE_CHECKING:
    from .._core._request import FileTypes
    from .._core._response import APIResponse
    from ..resources.beta.threads.runs import AsyncRuns
    from ..resources.files import AsyncFiles
    from ..resources.vector_stores.file_batches import AsyncFileBatches
    from ..resources.vector_stores.files import AsyncFiles as AsyncVectorStoreFiles
    from ..resources.videos import AsyncVideos
    from ..types import (
        ImageRefParam,
        OpenAIFile,
        RunObject,
        SubmitToolOuputsToRunToolOutputsItemParam,
        VectorStoreFileBatchObject,
        VectorStoreFileObject,
        VideoModelParam,
        VideoResource,
    )

__all__ = [
    "DEFAULT_POLL_INTERVAL_MS",
    "POLL_AFTER_HEADER",
    "file_batch_create_and_poll",
    "file_batch_poll",
    "file_wait_for_processing",
    "runs_create_and_poll",
    "runs_poll",
    "runs_submit_tool_outputs_and_poll",
    "vector_store_file_create_and_poll",
    "vector_store_file_poll",
    "video_create_and_poll",
    "video_poll",
]

T = TypeVar("T")

POLL_AFTER_HEADER = "openai-poll-after-ms"
DEFAULT_POLL_INTERVAL_MS = 1000

#: States after which a run no longer changes by itself (``requires_action`` waits for tool outputs).
RUN_TERMINAL_STATES = frozenset(
    {"requires_action", "cancelled", "completed", "failed", "expired", "incomplete"}
)
VIDEO_PENDING_STATES = frozenset({"queued", "in_progress"})
FILE_TERMINAL_STATES = frozenset({"processed", "error", "deleted"})

_OPTION_KEYS = frozenset(RequestOptions.__optional_keys__)
#: Options that only make sense for the request that creates something, not for the retrievals.
_CREATE_ONLY = frozenset({"extra_body", "idempotency_key"})


def _retrieve_options(options: RequestOptions, poll_interval_ms: int | None) -> RequestOptions:
    """The caller's options for each retrieval, with the headers that tell the API a helper polls."""
    out: dict[str, Any] = {k: v for k, v in options.items() if k not in _CREATE_ONLY}
    headers: dict[str, Any] = {"X-Stainless-Poll-Helper": "true"}
    if poll_interval_ms is not None:
        headers["X-Stainless-Custom-Poll-Interval"] = str(poll_interval_ms)
    headers.update(options.get("extra_headers") or {})
    out["extra_headers"] = headers
    return RequestOptions(**out)


def _split(params: dict[str, Any]) -> tuple[dict[str, Any], RequestOptions]:
    """(the create call's own parameters, the request options among ``params``)."""
    fields = {k: v for k, v in params.items() if k not in _OPTION_KEYS}
    options = RequestOptions(**{k: v for k, v in params.items() if k in _OPTION_KEYS})
    if fields.get("stream"):
        raise TypeError("a *_and_poll helper cannot stream; use create(..., stream=True) instead")
    fields.pop("stream", None)
    return fields, options


def _hinted_ms(response: APIResponse[Any]) -> int | None:
    value = response.headers.get(POLL_AFTER_HEADER)
    if value is None:
        return None
    try:
        ms = int(value)
    except ValueError:  # a malformed hint is no hint
        return None
    return ms if ms >= 0 else None


def _check_max_wait(max_wait_seconds: float | None) -> float | None:
    """The deadline (trio clock) for ``max_wait_seconds``, which must be finite and >= 0."""
    if max_wait_seconds is None:
        return None
    if not math.isfinite(max_wait_seconds) or max_wait_seconds < 0:
        raise ValueError("max_wait_seconds must be a finite, non-negative number of seconds")
    return trio.current_time() + max_wait_seconds


async def poll_until(
    retrieve: Callable[[], Awaitable[APIResponse[T]]],
    done: Callable[[T], bool],
    *,
    poll_interval_ms: int | None = None,
    deadline: float | None = None,
    what: str = "the object",
) -> T:
    """Call ``retrieve()`` until ``done(result)``; sleep between calls as described in the module docs.

    With a ``deadline`` (``trio.current_time()`` units), no request starts after it, sleeps are cut to
    it, and ``TimeoutError`` is raised when it passes."""
    hint: int | None = None
    while True:
        if deadline is not None and trio.current_time() >= deadline:
            raise TimeoutError(f"Timed out waiting for {what} to finish processing")
        response = await retrieve()
        value = response.parse()
        if done(value):
            return value
        if poll_interval_ms is not None:
            wait = poll_interval_ms / 1000
        else:
            latest = _hinted_ms(response)
            if latest is not None:
                hint = latest
            wait = (hint if hint is not None else DEFAULT_POLL_INTERVAL_MS) / 1000
        if deadline is not None:
            wait = min(wait, max(deadline - trio.current_time(), 0.0))
        await trio.sleep(wait)


# --- runs ------------------------------------------------------------------------------------------------


async def runs_poll(
    self: AsyncRuns,
    run_id: str,
    thread_id: str,
    *,
    poll_interval_ms: int | None = None,
    **options: Unpack[RequestOptions],
) -> RunObject:
    """Retrieve the run until it is ``requires_action``, ``cancelled``, ``completed``, ``failed``,
    ``expired`` or ``incomplete``, and return it."""
    opts = _retrieve_options(options, poll_interval_ms)

    def retrieve() -> Awaitable[APIResponse[RunObject]]:
        return self.with_raw_response.retrieve(run_id, thread_id=thread_id, **opts)

    return await poll_until(
        retrieve, lambda run: run.status in RUN_TERMINAL_STATES, poll_interval_ms=poll_interval_ms
    )


async def runs_create_and_poll(
    self: AsyncRuns,
    *,
    thread_id: str,
    assistant_id: str,
    poll_interval_ms: int | None = None,
    **params: Any,
) -> RunObject:
    """Create a run (the parameters of ``runs.create``, without ``stream``) and :func:`runs_poll` it."""
    fields, options = _split(params)
    create: Callable[..., Awaitable[Any]] = self.create  # (overloaded on stream; _split refused stream=True)
    run = cast("RunObject", await create(thread_id, assistant_id=assistant_id, **fields, **options))
    return await runs_poll(self, run.id, thread_id, poll_interval_ms=poll_interval_ms, **options)


async def runs_submit_tool_outputs_and_poll(
    self: AsyncRuns,
    *,
    tool_outputs: Iterable[SubmitToolOuputsToRunToolOutputsItemParam],
    run_id: str,
    thread_id: str,
    poll_interval_ms: int | None = None,
    **options: Unpack[RequestOptions],
) -> RunObject:
    """Submit tool outputs to a run that ``requires_action`` and :func:`runs_poll` it again."""
    run = await self.submit_tool_outputs(run_id, thread_id=thread_id, tool_outputs=tool_outputs, **options)
    return await runs_poll(self, run.id, thread_id, poll_interval_ms=poll_interval_ms, **options)


# --- vector store files and file batches ---------------------------------------------------------------


async def vector_store_file_poll(
    self: AsyncVectorStoreFiles,
    file_id: str,
    *,
    vector_store_id: str,
    poll_interval_ms: int | None = None,
    max_wait_seconds: float | None = None,
    **options: Unpack[RequestOptions],
) -> VectorStoreFileObject:
    """Retrieve the vector store file until it is no longer ``in_progress`` (``completed``,
    ``failed`` or ``cancelled``: check ``status`` and ``last_error``), and return it.

    ``max_wait_seconds`` bounds the wait: ``TimeoutError`` when it passes (0: no request at all).
    Timing out does not stop the processing on the server."""
    deadline = _check_max_wait(max_wait_seconds)
    opts = _retrieve_options(options, poll_interval_ms)

    def retrieve() -> Awaitable[APIResponse[VectorStoreFileObject]]:
        return self.with_raw_response.retrieve(file_id, vector_store_id=vector_store_id, **opts)

    return await poll_until(
        retrieve,
        lambda f: f.status != "in_progress",
        poll_interval_ms=poll_interval_ms,
        deadline=deadline,
        what=f"vector store file {file_id!r}",
    )


async def vector_store_file_create_and_poll(
    self: AsyncVectorStoreFiles,
    file_id: str,
    *,
    vector_store_id: str,
    poll_interval_ms: int | None = None,
    max_wait_seconds: float | None = None,
    **params: Any,
) -> VectorStoreFileObject:
    """Attach a file to a vector store (the parameters of ``vector_stores.files.create``: ``attributes``,
    ``chunking_strategy``) and :func:`vector_store_file_poll` it."""
    _check_max_wait(max_wait_seconds)  # refuse a bad value before creating anything
    fields, options = _split(params)
    await self.create(vector_store_id, file_id=file_id, **fields, **options)
    return await vector_store_file_poll(
        self,
        file_id,
        vector_store_id=vector_store_id,
        poll_interval_ms=poll_interval_ms,
        max_wait_seconds=max_wait_seconds,
        **options,
    )


async def file_batch_poll(
    self: AsyncFileBatches,
    batch_id: str,
    *,
    vector_store_id: str,
    poll_interval_ms: int | None = None,
    **options: Unpack[RequestOptions],
) -> VectorStoreFileBatchObject:
    """Retrieve the file batch until none of its files is in progress, and return it (check
    ``file_counts.failed``)."""
    opts = _retrieve_options(options, poll_interval_ms)

    def retrieve() -> Awaitable[APIResponse[VectorStoreFileBatchObject]]:
        return self.with_raw_response.retrieve(batch_id, vector_store_id=vector_store_id, **opts)

    return await poll_until(
        retrieve, lambda batch: batch.file_counts.in_progress <= 0, poll_interval_ms=poll_interval_ms
    )


async def file_batch_create_and_poll(
    self: AsyncFileBatches,
    vector_store_id: str,
    *,
    poll_interval_ms: int | None = None,
    **params: Any,
) -> VectorStoreFileBatchObject:
    """Create a file batch (the parameters of ``vector_stores.file_batches.create``: ``file_ids`` or
    ``files``, ``attributes``, ``chunking_strategy``) and :func:`file_batch_poll` it."""
    fields, options = _split(params)
    batch: VectorStoreFileBatchObject = await self.create(vector_store_id, **fields, **options)
    return await file_batch_poll(
        self, batch.id, vector_store_id=vector_store_id, poll_interval_ms=poll_interval_ms, **options
    )


# --- videos --------------------------------------------------------------------------------------------


async def video_poll(
    self: AsyncVideos,
    video_id: str,
    *,
    poll_interval_ms: int | None = None,
    **options: Unpack[RequestOptions],
) -> VideoResource:
    """Retrieve the video until it is no longer ``queued`` or ``in_progress`` (``completed`` or
    ``failed``), and return it."""
    opts = _retrieve_options(options, poll_interval_ms)

    def retrieve() -> Awaitable[APIResponse[VideoResource]]:
        return self.with_raw_response.retrieve(video_id, **opts)

    return await poll_until(
        retrieve, lambda video: video.status not in VIDEO_PENDING_STATES, poll_interval_ms=poll_interval_ms
    )


async def video_create_and_poll(
    self: AsyncVideos,
    *,
    prompt: str,
    input_reference: FileTypes | ImageRefParam | Omit = omit,
    model: VideoModelParam | Omit = omit,
    seconds: Literal["4", "8", "12"] | Omit = omit,
    size: Literal["720x1280", "1280x720", "1024x1792", "1792x1024"] | Omit = omit,
    poll_interval_ms: int | None = None,
    **options: Unpack[RequestOptions],
) -> VideoResource:
    """Start a video (the parameters of ``videos.create``) and :func:`video_poll` it; the request
    options (``extra_headers``, ``extra_query``, ``extra_body``, ``timeout`` ...) go to every call."""
    video: VideoResource = await self.create(
        prompt=prompt,
        input_reference=input_reference,
        model=model,
        seconds=seconds,
        size=size,
        **options,
    )
    return await video_poll(self, video.id, poll_interval_ms=poll_interval_ms, **options)


# --- files ---------------------------------------------------------------------------------------------


async def file_wait_for_processing(
    self: AsyncFiles,
    id: str,  # the official SDK's parameter name
    *,
    poll_interval: float = 5.0,
    max_wait_seconds: float = 30 * 60,
) -> OpenAIFile:
    """Retrieve the uploaded file every ``poll_interval`` seconds until it is ``processed``, ``error``
    or ``deleted``; ``RuntimeError`` once ``max_wait_seconds`` have passed without that."""
    start = trio.current_time()
    file: OpenAIFile = await self.retrieve(id)
    while file.status not in FILE_TERMINAL_STATES:
        if trio.current_time() - start > max_wait_seconds:
            raise RuntimeError(
                f"Giving up on waiting for file {id} to finish processing after {max_wait_seconds} seconds."
            )
        await trio.sleep(poll_interval)
        file = await self.retrieve(id)
    return file
