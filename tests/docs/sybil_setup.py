"""Every ```` ```python ```` block of ``README.md`` and ``docs/**/*.md`` runs in the test suite (Sybil).

Each document gets a fresh built-in fake server (:class:`trio_openai.testing.FakeServerThread`) and
``OPENAI_BASE_URL`` / ``OPENAI_API_KEY`` (and ``AZURE_OPENAI_ENDPOINT`` / ``AZURE_OPENAI_API_KEY`` /
``OPENAI_API_VERSION``) pointing at it while its blocks run; the variables are
restored and the server stopped after the document's last block. The blocks of one document share a
namespace, in order. A ``<!-- skip: next -->`` line before a block skips it (give the reason in the
comment: ``<!-- skip: next "needs the real Realtime server" -->``).

Each block runs under a hard deadline (``BLOCK_TIMEOUT``): a block that hangs fails, it does not
stall the suite.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from sybil import Example, Sybil
from sybil.parsers.myst import PythonCodeBlockParser, SkipParser

__all__ = ["BLOCK_TIMEOUT", "ENV", "sybil"]

#: Seconds one block may take (the fake server answers in milliseconds).
BLOCK_TIMEOUT = 30.0
ENV = (
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "AZURE_OPENAI_ENDPOINT",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN",
    "OPENAI_API_VERSION",
)
ROOT = Path(__file__).resolve().parents[2]
_SERVER = "__fake_server__"
_SAVED = "__saved_env__"


def _setup(namespace: dict[str, Any]) -> None:
    from trio_openai.testing import FakeServerThread

    server = FakeServerThread()
    server.__enter__()
    namespace[_SERVER] = server
    namespace[_SAVED] = {name: os.environ.get(name) for name in ENV}
    os.environ["OPENAI_BASE_URL"] = server.base_url
    os.environ["OPENAI_API_KEY"] = "sk-docs-example"
    # the Azure guide's clients, from the environment as in real use, talk to the same fake server
    os.environ["AZURE_OPENAI_ENDPOINT"] = server.azure_endpoint
    os.environ["AZURE_OPENAI_API_KEY"] = "azure-docs-example"
    os.environ.pop("AZURE_OPENAI_AD_TOKEN", None)
    os.environ["OPENAI_API_VERSION"] = "2024-10-21"


def _teardown(namespace: dict[str, Any]) -> None:
    saved: dict[str, str | None] = namespace.pop(_SAVED, {})
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    server = namespace.pop(_SERVER, None)
    if server is not None:
        server.stop()


class _Deadline:
    """Evaluate a block in a worker thread and fail it if it is not done in ``BLOCK_TIMEOUT``."""

    def __init__(self, evaluator: Any) -> None:
        self._evaluator = evaluator

    def __call__(self, example: Example) -> Any:
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["result"] = self._evaluator(example)
            except BaseException as exc:
                outcome["error"] = exc

        worker = threading.Thread(target=run, name=f"docs-example-{example.line}", daemon=True)
        worker.start()
        worker.join(BLOCK_TIMEOUT)
        if worker.is_alive():
            raise TimeoutError(
                f"{example.path}:{example.line}: the block ran for more than {BLOCK_TIMEOUT} s"
            )
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")


class _Parser(PythonCodeBlockParser):
    def __call__(self, document: Any) -> Any:
        for region in super().__call__(document):
            region.evaluator = _Deadline(region.evaluator)
            yield region


def _robust_traceback_filter() -> None:
    """Sybil's pytest item cuts every traceback of a failure at its own frame, including those of
    chained exceptions (``raise X from cause``), whose tracebacks do not contain it: that raises an
    IndexError inside pytest's reporting (INTERNALERROR) instead of showing the failure. Keep the
    uncut traceback for those."""
    from sybil.integration import pytest as sybil_pytest

    original = sybil_pytest.SybilItem._traceback_filter
    if getattr(original, "_robust", False):
        return

    def traceback_filter(self: Any, excinfo: Any) -> Any:
        try:
            return original(self, excinfo)
        except IndexError:
            return excinfo.traceback

    traceback_filter._robust = True  # type: ignore[attr-defined]
    sybil_pytest.SybilItem._traceback_filter = traceback_filter  # type: ignore[method-assign]


_robust_traceback_filter()

sybil = Sybil(
    parsers=[_Parser(), SkipParser()],
    # pathlib matching (3.11) has no recursive `**`: the docs are two levels deep at most
    patterns=["README.md", "docs/*.md", "docs/*/*.md"],
    excludes=["_build/*", "_build/*/*", "_build/*/*/*"],
    path=str(ROOT),
    setup=_setup,
    teardown=_teardown,
)
