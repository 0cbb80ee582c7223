"""The bulk runs through the blocking client: the async runs executed in its portal thread.

    from trio_openai import OpenAI
    from trio_openai.batch import iter_live, run_file

    client = OpenAI()
    report = run_file(client, "in.jsonl", "out.jsonl")                # or mode="api"
    for result in iter_live(client, requests, concurrency=16):        # as they complete
        print(result.custom_id, result.ok)

Ctrl-C in the calling thread cancels the run in the portal; the files stay consistent for resume.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from ._api import run_file_api
from ._files import RunReport, run_file_live
from ._format import BatchRequest, BatchResult
from ._live import open_live_run

if TYPE_CHECKING:
    from .._sync import OpenAI

__all__ = ["iter_live", "run_file"]


def run_file(
    client: OpenAI,
    input: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    mode: Literal["live", "api"] = "live",
    **options: Any,
) -> RunReport:
    """``run_file_live`` (or ``run_file_api`` with ``mode="api"``) with a blocking client; the
    keyword options are theirs."""
    runner = run_file_api if mode == "api" else run_file_live
    if mode not in ("live", "api"):
        raise ValueError(f"mode must be 'live' or 'api', not {mode!r}")

    async def go() -> RunReport:
        return await runner(client._async, input, output, **options)

    return client._call(go)


class _Next:
    def __init__(self, results: AsyncIterator[BatchResult]) -> None:
        self._results = results

    async def __call__(self) -> BatchResult | None:
        return await anext(self._results, None)


def iter_live(client: OpenAI, requests: Iterable[BatchRequest], **options: Any) -> Iterator[BatchResult]:
    """The results of a live run as they complete, for blocking code (``open_live_run``'s options).

    ``requests`` is read from the portal thread, one at a time. Leaving the loop early (``break``,
    an exception) cancels the requests still running.
    """
    with client._wrap_async_cm(open_live_run(client._async, requests, **options)) as run:
        step = _Next(run)
        while True:
            result = client._call(step)
            if result is None:
                return
            yield result
