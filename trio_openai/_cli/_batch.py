"""``trio-openai batch run`` and ``trio-openai batch cancel``."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

import trio

from ..batch import (
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_BATCH_REQUESTS,
    RunReport,
    cancel_file_api,
    default_errors_path,
    run_file_api,
    run_file_live,
    state_path,
)
from ._errors import EXIT_INTERRUPTED, EXIT_OK
from ._progress import make_reporter

__all__ = ["add_batch_commands"]

RUN_HELP = """\
Run every request of INPUT (Batch API input format: one {"custom_id", "method", "url", "body"}
per line) and write one line per request to OUTPUT (succeeded) or ERRORS (failed for good), in the
Batch API output format.

Resume: running the same command again (after a crash, kill -9 or Ctrl-C) does only what is not
yet recorded in OUTPUT or ERRORS. In API mode the submitted batches are kept in
OUTPUT.batches.json, so a rerun resumes polling them instead of submitting again; requests that a
failed, expired or cancelled batch did not finish are submitted again by simply rerunning.
To retry the requests that failed for good, delete their lines from ERRORS and rerun.

Ctrl-C once: no new request starts, running ones get 10 s to finish and be recorded (API mode:
polling stops, the batches go on). Ctrl-C twice: stop now.

Exit status: 0 every request succeeded; 1 some failed (see ERRORS) or remain to do; 2 bad input or
usage, reported before any request is sent.
"""


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, not {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, not {text}")
    return value


def add_batch_commands(commands: Any) -> None:
    batch = commands.add_parser(
        "batch", help="bulk runs from a Batch API input file (live or through the Batch API)"
    )
    sub = batch.add_subparsers(dest="batch_command", required=True, metavar="{run,cancel}")
    run = sub.add_parser(
        "run",
        help="run INPUT.jsonl into OUTPUT.jsonl (resumable)",
        description=RUN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("input", metavar="INPUT.jsonl")
    run.add_argument("-o", "--output", required=True, metavar="OUTPUT.jsonl")
    run.add_argument("--errors", metavar="ERRORS.jsonl", help="default: OUTPUT with .errors.jsonl for .jsonl")
    run.add_argument(
        "--mode", choices=("live", "api"), default="live", help="live requests (default) or the Batch API"
    )
    run.add_argument(
        "--concurrency",
        type=_positive_int,
        default=DEFAULT_CONCURRENCY,
        help=f"live: requests in flight (default {DEFAULT_CONCURRENCY})",
    )
    run.add_argument(
        "--max-requests-per-minute", type=_positive_float, metavar="N", help="live: request budget per minute"
    )
    run.add_argument(
        "--max-tokens-per-minute", type=_positive_float, metavar="N", help="live: token budget per minute"
    )
    run.add_argument(
        "--max-attempts",
        type=_positive_int,
        default=3,
        metavar="N",
        help="live: attempts per request (default 3)",
    )
    run.add_argument(
        "--max-batch-requests",
        type=_positive_int,
        default=DEFAULT_MAX_BATCH_REQUESTS,
        metavar="N",
        help=f"api: requests per batch (default {DEFAULT_MAX_BATCH_REQUESTS}; batch files also stay under 200 MB)",
    )
    run.add_argument(
        "--poll-interval",
        type=_positive_float,
        default=30.0,
        metavar="SECONDS",
        help="api: longest wait between polls (default 30; the first polls come within seconds)",
    )
    run.add_argument("--no-progress", action="store_true", help="no progress on stderr")
    run.set_defaults(handler=_run)
    cancel = sub.add_parser("cancel", help="cancel the batches an API-mode run into OUTPUT submitted")
    cancel.add_argument("output", metavar="OUTPUT.jsonl")
    cancel.set_defaults(handler=_cancel)


async def _run(client: Any, args: argparse.Namespace) -> int:
    reporter = make_reporter(not args.no_progress)
    stop = trio.Event()
    interrupted = False
    report: RunReport | None = None
    try:
        with trio.CancelScope() as scope, trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:

            async def watch() -> None:
                nonlocal interrupted
                async for _signal in signals:
                    interrupted = True
                    if stop.is_set():
                        scope.cancel()  # second Ctrl-C: now
                        return
                    print("trio-openai: stopping; Ctrl-C again to stop at once", file=sys.stderr, flush=True)
                    stop.set()

            async with trio.open_nursery() as nursery:
                nursery.start_soon(watch)
                report = await _execute(client, args, reporter, stop)
                nursery.cancel_scope.cancel()
    finally:
        if reporter is not None:
            reporter.close()
    if scope.cancelled_caught or report is None:
        print(f"trio-openai: interrupted; rerun the same command to resume ({args.output})", file=sys.stderr)
        return EXIT_INTERRUPTED
    _summary(report)
    if interrupted and not report.complete:
        return EXIT_INTERRUPTED
    return report.exit_status


async def _execute(client: Any, args: argparse.Namespace, reporter: Any, stop: trio.Event) -> RunReport:
    errors = args.errors or default_errors_path(args.output)
    if args.mode == "api":
        return await run_file_api(
            client,
            args.input,
            args.output,
            errors=errors,
            max_batch_requests=args.max_batch_requests,
            poll_interval=args.poll_interval,
            progress=reporter,
            stop=stop,
        )
    return await run_file_live(
        client,
        args.input,
        args.output,
        errors=errors,
        concurrency=args.concurrency,
        max_requests_per_minute=args.max_requests_per_minute,
        max_tokens_per_minute=args.max_tokens_per_minute,
        max_attempts=args.max_attempts,
        progress=reporter,
        stop=stop,
    )


def _summary(report: RunReport) -> None:
    line = f"trio-openai: {report.succeeded} succeeded, {report.failed} failed of {report.total}"
    if report.failed:
        line += f" (failures in {report.errors})"
    if report.unfinished:
        line += f"; {report.unfinished} not done: rerun the same command to do them"
    print(line, file=sys.stderr, flush=True)


async def _cancel(client: Any, args: argparse.Namespace) -> int:
    cancelled = await cancel_file_api(client, args.output)
    if not cancelled:
        print(f"trio-openai: no unfinished batch recorded in {state_path(args.output)}", file=sys.stderr)
    for batch_id, status in cancelled:
        print(f"{batch_id}\t{status}")
    return EXIT_OK
