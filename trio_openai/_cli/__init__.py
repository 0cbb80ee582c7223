"""The ``trio-openai`` command line (also ``python -m trio_openai``): bulk runs and the client from a
shell. Configuration comes from the client's environment variables (``OPENAI_API_KEY``,
``OPENAI_BASE_URL``, ...). Errors are one line on stderr with a non-zero status.

Not imported by ``import trio_openai``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import trio

from ._errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, UsageError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    from ._batch import add_batch_commands
    from ._commands import add_client_commands

    parser = argparse.ArgumentParser(
        prog="trio-openai",
        description="The OpenAI API from a shell, and resumable bulk runs (live or through the Batch API). "
        "Configured by OPENAI_API_KEY, OPENAI_BASE_URL and the client's other environment variables.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="{batch,chat,models,files,api}")
    add_batch_commands(commands)
    add_client_commands(commands)
    return parser


def _fail(message: str, status: int) -> int:
    print(f"trio-openai: error: {message}", file=sys.stderr, flush=True)
    return status


async def _main(args: argparse.Namespace) -> int:
    from .. import AsyncOpenAI

    async with AsyncOpenAI() as client:
        return await args.handler(client, args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 failures, 2 usage or bad input)."""
    args = _parser().parse_args(argv)
    try:
        return trio.run(_main, args)
    except BaseException as problem:
        leaf: BaseException = problem
        if isinstance(problem, BaseExceptionGroup):
            from .._core._groups import single_exception

            found = single_exception(problem)  # pyright: ignore[reportUnknownArgumentType]
            if found is None:
                raise
            leaf = found
        status = _status_of(leaf)
        if status is None:
            raise
        return status


def _status_of(problem: BaseException) -> int | None:
    """Report an expected failure on stderr and give its exit status; ``None`` for a bug."""
    from .. import APIConnectionError, APIStatusError, OpenAIError
    from ..batch import BatchInputError, JournalError
    from ..batch._api import BatchStateError

    if isinstance(problem, UsageError | BatchInputError | JournalError | BatchStateError):
        return _fail(str(problem), EXIT_USAGE)
    if isinstance(problem, APIStatusError):
        request_id = f" (request id {problem.request_id})" if problem.request_id else ""
        return _fail(f"{problem.status_code} {problem.message}{request_id}", EXIT_FAILED)
    if isinstance(problem, APIConnectionError):
        return _fail(problem.message, EXIT_FAILED)
    if isinstance(problem, OpenAIError):  # e.g. no API key configured
        return _fail(str(problem), EXIT_USAGE)
    if isinstance(problem, BrokenPipeError):  # `trio-openai ... | head`: the reader has had enough
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if isinstance(problem, OSError):
        return _fail(str(problem), EXIT_FAILED)
    if isinstance(problem, KeyboardInterrupt):
        return _fail("interrupted", EXIT_INTERRUPTED)
    return None
