"""Steady (npm ``@stdy/cli``), an OpenAPI mock server nobody here wrote, run on 127.0.0.1 for a session.

It validates each request against the spec (a 400 means the request breaks it) and answers with
schema-shaped data; with ``Accept: text/event-stream`` it streams the events of operations whose spec
declares them. Installed on first use into ``~/.cache/mock-openai`` (or ``$MOCK_OPENAI_DIR``).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.codegen.__main__ import DEFAULT_SPEC
from tools.official_tests._steady import run_steady as _run_steady_with

__all__ = ["SSE_ACCEPT", "run_steady"]

#: Steady answers JSON unless the request accepts server-sent events (the client itself always sends
#: ``Accept: application/json``, as the official SDK does; the real API streams on ``stream=true``).
SSE_ACCEPT = {"Accept": "text/event-stream"}


def _merged_spec(into: Path) -> Path:
    """The public spec with the supplement (``tools/codegen/supplement.json``) merged in, as the
    generator sees it, written to ``into``: the endpoints only the official SDK knows are served too."""
    from tools.codegen._spec import load_spec
    from tools.codegen.supplement import merged_document

    out = into / "openapi-with-supplement.json"
    out.write_text(json.dumps(merged_document(load_spec(DEFAULT_SPEC).doc), default=str))
    return out


@contextmanager
def run_steady() -> Iterator[str]:
    """Start Steady on a free port serving spec + supplement; yields its base URL and stops it on exit.
    The server itself (install, flags, start and stop) is the porting tool's, ``tools/official_tests``."""
    with tempfile.TemporaryDirectory(prefix="steady-spec-") as tmp:
        with _run_steady_with(_merged_spec(Path(tmp)), start_timeout=30) as url:
            yield url
