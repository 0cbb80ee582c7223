"""Live runs from an input file into OUTPUT / ERRORS, resumable (what ``trio-openai batch run`` does).

``run_file_live`` validates the whole input first (a :class:`BatchInputError` before any request),
opens the journal (skipping what earlier runs recorded, cutting a torn last line), then streams the
input through :func:`open_live_run`, appending each result as it completes. Setting ``stop`` (a
``trio.Event``) ends the run gracefully: nothing new starts and running requests get ``grace``
seconds to finish and be recorded. Cancelling the call is just as safe for the files: a result is
either fully written or not at all, and the next run does the rest.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec
import trio

from ._input import check_input, iter_requests
from ._journal import Journal
from ._live import DEFAULT_CONCURRENCY, open_live_run
from ._progress import OnProgress, RunProgress

if TYPE_CHECKING:
    from .._client import AsyncOpenAI

__all__ = ["RunReport", "run_file_live"]


class RunReport(msgspec.Struct, frozen=True, kw_only=True):
    """How a file run ended. ``complete`` when every request of the input is recorded;
    ``exit_status`` is the command line's: 0 all succeeded, 1 some failed or remain to do."""

    total: int
    succeeded: int
    failed: int
    sent: int
    """Requests this run sent (or, in API mode, submitted)."""
    output: str
    errors: str
    unfinished: int = 0
    """Requests neither in OUTPUT nor in ERRORS (a stopped run, expired or failed batches)."""
    notes: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.unfinished == 0

    @property
    def exit_status(self) -> int:
        return 0 if self.complete and self.failed == 0 else 1


async def _ticker(progress: OnProgress, snapshot: Callable[[], RunProgress], interval: float) -> None:
    while True:
        await trio.sleep(interval)
        progress(snapshot())


async def run_file_live(
    client: AsyncOpenAI,
    input: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    errors: str | os.PathLike[str] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_requests_per_minute: float | None = None,
    max_tokens_per_minute: float | None = None,
    max_attempts: int = 3,
    progress: OnProgress | None = None,
    progress_interval: float = 0.5,
    sync_interval: float = 0.2,
    stop: trio.Event | None = None,
    grace: float = 10.0,
) -> RunReport:
    """Run every request of ``input`` not yet recorded in ``output`` / ``errors``; see the module."""
    summary = await trio.to_thread.run_sync(check_input, input)
    namespace = await trio.to_thread.run_sync(_realpath, input)
    started = trio.current_time()
    with await trio.to_thread.run_sync(Journal, output, errors) as journal:
        input_ids_done = journal.recorded  # ids of another input in OUTPUT are tolerated, not counted
        async with trio.open_nursery() as helpers:
            helpers.start_soon(journal.sync_every, sync_interval)
            async with open_live_run(
                client,
                iter_requests(input),
                concurrency=concurrency,
                max_requests_per_minute=max_requests_per_minute,
                max_tokens_per_minute=max_tokens_per_minute,
                max_attempts=max_attempts,
                namespace=namespace,
                skip=frozenset(input_ids_done),
            ) as run:

                def snapshot() -> RunProgress:
                    stats = run.statistics()
                    return RunProgress(
                        total=summary.requests,
                        succeeded=journal.succeeded,
                        failed=journal.failed,
                        in_flight=stats.in_flight,
                        rate_limited=stats.rate_limited,
                        elapsed=trio.current_time() - started,
                    )

                if progress is not None:
                    progress(snapshot())
                    helpers.start_soon(_ticker, progress, snapshot, progress_interval)
                if stop is not None:

                    async def watch(event: trio.Event = stop) -> None:
                        await event.wait()
                        run.stop(grace)

                    helpers.start_soon(watch)
                async for result in run:
                    journal.record(result)
                sent = run.statistics().started
            if progress is not None:
                progress(snapshot())
            helpers.cancel_scope.cancel()
        journal.sync()
        return await trio.to_thread.run_sync(_report, input, journal, summary.requests, sent)


def _report(
    input: str | os.PathLike[str], journal: Journal, total: int, sent: int, notes: tuple[str, ...] = ()
) -> RunReport:
    """Count the input's ids against the journal (ids in OUTPUT that the input lacks are ignored)."""
    succeeded = failed = 0
    for request in iter_requests(input):
        if request.custom_id in journal.failed_ids:
            failed += 1
        elif request.custom_id in journal.recorded:
            succeeded += 1
    return RunReport(
        total=total,
        succeeded=succeeded,
        failed=failed,
        sent=sent,
        output=journal.output_path,
        errors=journal.errors_path,
        unfinished=total - succeeded - failed,
        notes=notes,
    )


def _realpath(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(os.fspath(path))
