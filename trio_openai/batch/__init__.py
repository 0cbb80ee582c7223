"""Bulk runs: many Batch API requests, live (concurrent, rate-limited) or through the Batch API.

    from trio_openai.batch import BatchRequest, open_live_run, run_file_live

    requests = (BatchRequest.make(f"q{i}", "/v1/embeddings", {"model": "text-embedding-3-small",
                "input": text}) for i, text in enumerate(texts))
    async with open_live_run(client, requests, concurrency=32, max_requests_per_minute=3000) as run:
        async for result in run:            # as they complete
            print(result.custom_id, result.ok)

    report = await run_file_live(client, "in.jsonl", "out.jsonl")   # resumable: rerun after a crash
    report = await run_file_api(client, "in.jsonl", "out.jsonl")    # the same through the Batch API

The files are in the Batch API formats; see ``docs/guide/bulk.md`` and ``trio-openai batch run --help``.
Importing ``trio_openai`` does not import this package.
"""

from ._api import DEFAULT_MAX_BATCH_BYTES as DEFAULT_MAX_BATCH_BYTES
from ._api import DEFAULT_MAX_BATCH_REQUESTS as DEFAULT_MAX_BATCH_REQUESTS
from ._api import cancel_file_api as cancel_file_api
from ._api import run_file_api as run_file_api
from ._api import state_path as state_path
from ._blocking import iter_live as iter_live
from ._blocking import run_file as run_file
from ._files import RunReport as RunReport
from ._files import run_file_live as run_file_live
from ._format import SUPPORTED_URLS as SUPPORTED_URLS
from ._format import BatchError as BatchError
from ._format import BatchRequest as BatchRequest
from ._format import BatchResponse as BatchResponse
from ._format import BatchResult as BatchResult
from ._input import BatchInputError as BatchInputError
from ._input import InputSummary as InputSummary
from ._input import check_input as check_input
from ._input import iter_requests as iter_requests
from ._journal import Journal as Journal
from ._journal import JournalError as JournalError
from ._journal import default_errors_path as default_errors_path
from ._journal import read_results as read_results
from ._limits import TokenBucket as TokenBucket
from ._limits import estimate_tokens as estimate_tokens
from ._live import DEFAULT_CONCURRENCY as DEFAULT_CONCURRENCY
from ._live import LiveRun as LiveRun
from ._live import LiveStatistics as LiveStatistics
from ._live import idempotency_key as idempotency_key
from ._live import open_live_run as open_live_run
from ._progress import BatchCounts as BatchCounts
from ._progress import RunProgress as RunProgress

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_MAX_BATCH_BYTES",
    "DEFAULT_MAX_BATCH_REQUESTS",
    "SUPPORTED_URLS",
    "BatchCounts",
    "BatchError",
    "BatchInputError",
    "BatchRequest",
    "BatchResponse",
    "BatchResult",
    "InputSummary",
    "Journal",
    "JournalError",
    "LiveRun",
    "LiveStatistics",
    "RunProgress",
    "RunReport",
    "TokenBucket",
    "cancel_file_api",
    "check_input",
    "default_errors_path",
    "estimate_tokens",
    "idempotency_key",
    "iter_live",
    "iter_requests",
    "open_live_run",
    "read_results",
    "run_file",
    "run_file_api",
    "run_file_live",
    "state_path",
]
