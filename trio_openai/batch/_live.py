"""Live mode: send a stream of Batch API requests concurrently, within per-minute budgets.

``open_live_run(client, requests)`` starts a feeder task that reads the requests one at a time (an
iterable or an async iterable; never all at once) and starts a worker for each once everything
allows it: a free slot (``concurrency``), an open :class:`RateLimitGate` (closed by any 429 for as
long as its ``retry-after`` says, or while ``x-ratelimit-remaining-*`` says a budget is spent, for
the whole run), and room in the request and token buckets (``max_requests_per_minute``,
``max_tokens_per_minute``). A worker sends its request through the client (so the client's retry
policy applies, up to ``max_attempts`` attempts, each waiting on the gate), and hands a
:class:`BatchResult` to the caller through a channel as soon as it completes. Workers hold their
slot until the caller takes their result, so memory is bounded by ``concurrency`` whatever the
input size.

Stopping: ``run.stop()`` starts no new request and lets the running ones finish (``grace``
seconds at most, then they are cancelled); leaving the ``async with`` block cancels what is still
running. Either way every result handed out is complete, and a request whose result was not
handed out was simply not done: a resumed run sends it again with the same Idempotency-Key.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import msgspec
import trio

from .._core._cleanup import shielded
from .._core._errors import APIConnectionError, APIStatusError, APITimeoutError
from .._core._groups import unwrap_single
from .._core._rategate import RateLimitGate
from .._core._ratelimits import parse_rate_limits
from .._core._resource import ResponseMode
from ._format import BatchError, BatchRequest, BatchResponse, BatchResult, client_path
from ._input import BatchInputError, check_request
from ._limits import TokenBucket, estimate_tokens, usage_tokens

if TYPE_CHECKING:
    from .._client import AsyncOpenAI
    from .._core._response import APIResponse

__all__ = ["DEFAULT_CONCURRENCY", "LiveRun", "LiveStatistics", "idempotency_key", "open_live_run"]

DEFAULT_CONCURRENCY = 64


def idempotency_key(namespace: str, request: BatchRequest) -> str:
    """The Idempotency-Key of a request: a digest of the run's namespace (for a file, its absolute
    path), the custom_id and the body, so the same request re-sent by a resumed run carries the
    same key (and an edited one does not)."""
    digest = hashlib.sha256()
    digest.update(namespace.encode())
    digest.update(b"\0")
    digest.update(request.custom_id.encode())
    digest.update(b"\0")
    digest.update(request.body)
    return "trio-openai-batch-" + digest.hexdigest()[:40]


class LiveStatistics(msgspec.Struct, frozen=True, kw_only=True):
    """``run.statistics()``: how far the run is and what held it back."""

    started: int
    succeeded: int
    failed: int
    in_flight: int
    retries: int
    """Attempts beyond the first, over all requests that completed."""
    rate_limited: float
    """Seconds the feeder spent waiting on the rate limit gate and the buckets."""
    gate_pauses: int
    """How often a response (a 429, a spent budget) closed the gate."""


class _End:
    pass


_END = _End()


class _Source:
    """One request at a time from a sync or async iterable; closes an async generator on exit."""

    def __init__(self, requests: Iterable[BatchRequest] | AsyncIterable[BatchRequest]) -> None:
        self._async: AsyncIterator[BatchRequest] | None = None
        self._sync: Iterator[BatchRequest] | None = None
        if isinstance(requests, AsyncIterable):
            self._async = aiter(requests)
        else:
            self._sync = iter(requests)

    async def next(self) -> BatchRequest | _End:
        if self._async is not None:
            return await anext(self._async, _END)
        assert self._sync is not None
        await trio.lowlevel.checkpoint()
        return next(self._sync, _END)

    async def aclose(self) -> None:
        close = getattr(self._async, "aclose", None)
        if close is not None:
            with shielded():
                await close()


class LiveRun:
    """A running live batch: iterate it for results as they complete (``async for result in run``)."""

    def __init__(
        self,
        client: AsyncOpenAI,
        *,
        concurrency: int,
        max_requests_per_minute: float | None,
        max_tokens_per_minute: float | None,
        max_attempts: int,
        namespace: str,
        gate: RateLimitGate,
        skip: frozenset[str] | set[str],
    ) -> None:
        self._client = client
        self._slots = trio.Semaphore(concurrency)
        self._requests = None if max_requests_per_minute is None else TokenBucket(max_requests_per_minute)
        self._tokens = None if max_tokens_per_minute is None else TokenBucket(max_tokens_per_minute)
        self._max_retries = max_attempts - 1
        self._namespace = namespace
        self.gate = gate
        self._skip = skip
        self._seen: set[str] = set()
        self._feeding = trio.CancelScope()
        self._workers: trio.Nursery | None = None
        self._send, self._receive = trio.open_memory_channel[BatchResult](0)
        self._started = self._ok = self._failed = self._retries = 0
        self._rate_limited = 0.0
        self.skipped: int = 0
        """Requests not sent because their custom_id was in ``skip``."""

    def __aiter__(self) -> LiveRun:
        return self

    async def __anext__(self) -> BatchResult:
        try:
            return await self._receive.receive()
        except (trio.EndOfChannel, trio.ClosedResourceError):
            raise StopAsyncIteration from None

    def stop(self, grace: float | None = None) -> None:
        """Start no new request; running ones finish (cancelled after ``grace`` seconds if given)."""
        self._feeding.cancel()
        if grace is not None and self._workers is not None:
            scope = self._workers.cancel_scope
            scope.deadline = min(scope.deadline, trio.current_time() + grace)

    @property
    def stopping(self) -> bool:
        return self._feeding.cancel_called

    def statistics(self) -> LiveStatistics:
        return LiveStatistics(
            started=self._started,
            succeeded=self._ok,
            failed=self._failed,
            in_flight=self._started - self._ok - self._failed,
            retries=self._retries,
            rate_limited=self._rate_limited,
            gate_pauses=self.gate.statistics().pauses,
        )

    async def _feed(self, requests: Iterable[BatchRequest] | AsyncIterable[BatchRequest]) -> None:
        source = _Source(requests)
        try:
            with self._send:  # closed once every worker is done: the caller's iteration ends
                async with trio.open_nursery() as workers:
                    self._workers = workers
                    with self._feeding:
                        await self._feed_loop(source, workers)
        finally:
            await source.aclose()

    async def _feed_loop(self, source: _Source, workers: trio.Nursery) -> None:
        while True:
            await self._slots.acquire()
            request = await source.next()
            if isinstance(request, _End):
                self._slots.release()
                return
            if request.custom_id in self._skip:
                self._slots.release()
                self.skipped += 1
                continue
            try:
                check_request(request)
            except BatchInputError as problem:
                raise BatchInputError(f"custom_id {request.custom_id!r}: {problem}") from None
            if request.custom_id in self._seen:
                raise BatchInputError(f"duplicate custom_id {request.custom_id!r}")
            self._seen.add(request.custom_id)
            estimate = 0
            if self._tokens is not None:
                estimate = estimate_tokens(request.url, request.body)
            waited_from = trio.current_time()
            await self.gate.wait()
            if self._requests is not None:
                await self._requests.take(1)
            if self._tokens is not None:
                await self._tokens.take(estimate)
            await self.gate.wait()  # a 429 may have closed it while the buckets made us wait
            self._rate_limited += trio.current_time() - waited_from
            self._started += 1
            workers.start_soon(self._work, request, estimate)

    async def _work(self, request: BatchRequest, estimate: int) -> None:
        try:
            result = await self._send_one(request, estimate)
            if result.ok:
                self._ok += 1
            else:
                self._failed += 1
            try:
                await self._send.send(result)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                pass  # the caller left the block
        finally:
            self._slots.release()

    async def _send_one(self, request: BatchRequest, estimate: int) -> BatchResult:
        key = idempotency_key(self._namespace, request)
        result_id = "batch_req_live_" + key[-24:]
        path = client_path(request.url)
        assert path is not None  # checked by the feeder
        try:
            with self.gate.applied():
                raw: APIResponse[bytes] = await self._client._request(
                    "post",
                    path,
                    cast_to=bytes,
                    content=bytes(request.body),
                    content_type="application/json",
                    options={"idempotency_key": key, "max_retries": self._max_retries},
                    mode=ResponseMode.RAW,
                )
        except APIStatusError as failure:
            self._retries += failure.response.retries_taken
            content = failure.response.content
            self._reconcile(estimate, failure.response, content)
            response = BatchResponse(
                status_code=failure.status_code,
                request_id=failure.request_id,
                body=_json_body(content, failure.response.headers.get("content-type", "")),
            )
            code = failure.code or failure.type or f"http_{failure.status_code}"
            return BatchResult(
                id=result_id,
                custom_id=request.custom_id,
                response=response,
                error=BatchError(code=code, message=failure.message),
            )
        except APITimeoutError as failure:
            return BatchResult(
                id=result_id,
                custom_id=request.custom_id,
                error=BatchError(code="timeout", message=str(failure)),
            )
        except APIConnectionError as failure:
            return BatchResult(
                id=result_id,
                custom_id=request.custom_id,
                error=BatchError(code="connection_error", message=str(failure)),
            )
        self._retries += raw.retries_taken
        content = raw.content
        self._reconcile(estimate, raw, content)
        response = BatchResponse(
            status_code=raw.status_code,
            request_id=raw.request_id,
            body=_json_body(content, raw.headers.get("content-type", "")),
        )
        return BatchResult(id=result_id, custom_id=request.custom_id, response=response)

    def _reconcile(self, estimate: int, meta: APIResponse[Any], content: bytes) -> None:
        """Correct the buckets with what the answer says it cost and what the server has left."""
        if self._tokens is None and self._requests is None:
            return
        limits = parse_rate_limits(meta.headers)
        if self._tokens is not None:
            used = usage_tokens(content) if meta.status_code < 400 else 0
            if used is not None:
                self._tokens.adjust(estimate - used)
            if limits.remaining_tokens is not None:
                self._tokens.clamp(limits.remaining_tokens)
        if self._requests is not None and limits.remaining_requests is not None:
            self._requests.clamp(limits.remaining_requests)


def _json_body(content: bytes, content_type: str) -> msgspec.Raw:
    """The body as JSON for the output line: as is when the server said JSON, else as a string."""
    if "json" in content_type and content.strip():
        return msgspec.Raw(content)
    try:
        msgspec.json.decode(content)
        return msgspec.Raw(content)
    except msgspec.DecodeError:
        return msgspec.Raw(msgspec.json.encode(content.decode("utf-8", "replace")))


@asynccontextmanager
async def open_live_run(
    client: AsyncOpenAI,
    requests: Iterable[BatchRequest] | AsyncIterable[BatchRequest],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_requests_per_minute: float | None = None,
    max_tokens_per_minute: float | None = None,
    max_attempts: int = 3,
    namespace: str = "",
    skip: frozenset[str] | set[str] = frozenset(),
    gate: RateLimitGate | None = None,
) -> AsyncGenerator[LiveRun]:
    """Run ``requests`` against the API, yielding a :class:`LiveRun` to iterate for results.

        async with open_live_run(client, requests, concurrency=32) as run:
            async for result in run:          # as they complete
                print(result.custom_id, result.ok)

    ``max_attempts`` bounds the attempts of each request (the client's retry policy decides which
    failures are retried and how long to wait). ``namespace`` goes into each Idempotency-Key
    (:func:`idempotency_key`); ``skip`` names custom_ids already done (a resumed run). A bad or
    duplicate request raises :class:`BatchInputError` before it is sent.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, not {concurrency}")
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be >= 1, not {max_attempts}")
    for name, value in (
        ("max_requests_per_minute", max_requests_per_minute),
        ("max_tokens_per_minute", max_tokens_per_minute),
    ):
        if value is not None and (not value > 0 or math.isinf(value)):
            raise ValueError(f"{name} must be a positive number, not {value!r}")
    run = LiveRun(
        client,
        concurrency=concurrency,
        max_requests_per_minute=max_requests_per_minute,
        max_tokens_per_minute=max_tokens_per_minute,
        max_attempts=max_attempts,
        namespace=namespace,
        gate=gate or RateLimitGate(max_pause=600.0),
        skip=skip,
    )
    with unwrap_single():
        async with trio.open_nursery() as nursery:
            nursery.start_soon(run._feed, requests)
            with run._receive:
                yield run
            nursery.cancel_scope.cancel()
