"""Steady (npm ``@stdy/cli``), an OpenAPI mock server nobody here wrote, run on 127.0.0.1 for a session.

It validates each request against the spec (a 400 means the request breaks it) and answers with
schema-shaped data; with ``Accept: text/event-stream`` it streams the events of operations whose spec
declares them. Installed on first use into ``~/.cache/mock-openai`` (or ``$MOCK_OPENAI_DIR``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.codegen.__main__ import DEFAULT_SPEC

__all__ = ["SSE_ACCEPT", "run_steady"]

STEADY_VERSION = "0.22.1"
STEADY_DIR = Path(os.environ.get("MOCK_OPENAI_DIR") or Path.home() / ".cache" / "mock-openai")
VALIDATOR_FLAGS = [
    "--validator-query-array-format=brackets",
    "--validator-query-object-format=brackets",
    "--validator-form-array-format=brackets",
    "--validator-form-object-format=brackets",
]

#: Steady answers JSON unless the request accepts server-sent events (the client itself always sends
#: ``Accept: application/json``, as the official SDK does; the real API streams on ``stream=true``).
SSE_ACCEPT = {"Accept": "text/event-stream"}


def _steady_binary() -> Path:
    exe = STEADY_DIR / "node_modules" / ".bin" / "steady"
    if not exe.exists():
        npm = shutil.which("npm")
        assert npm is not None, "npm is needed to install Steady"
        STEADY_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(STEADY_DIR),
                f"@stdy/cli@{STEADY_VERSION}",
            ],
            check=True,
            timeout=300,
        )
    return exe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    """Start Steady on a free port serving spec + supplement; yields its base URL and stops it on exit."""
    exe = _steady_binary()
    port = _free_port()
    tmp = tempfile.TemporaryDirectory(prefix="steady-spec-")
    spec = _merged_spec(Path(tmp.name))
    proc = subprocess.Popen(
        [str(exe), "--host", "127.0.0.1", "-p", str(port), *VALIDATOR_FLAGS, str(spec)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_x-steady/health", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise RuntimeError(f"Steady did not start: {err}") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
        tmp.cleanup()
