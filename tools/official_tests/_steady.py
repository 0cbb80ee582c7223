"""Steady, the OpenAPI mock server, started on 127.0.0.1 on a free port with a given spec file.

The one place that installs and runs Steady (``tests/_steady.py`` uses it too); the spec is a parameter, so the tool can start
it with the public spec alone or with the spec merged with the supplement (written to a temp dir).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["run_steady"]

STEADY_VERSION = "0.22.1"
STEADY_DIR = Path(os.environ.get("MOCK_OPENAI_DIR") or Path.home() / ".cache" / "mock-openai")
VALIDATOR_FLAGS = [
    "--validator-query-array-format=brackets",
    "--validator-query-object-format=brackets",
    "--validator-form-array-format=brackets",
    "--validator-form-object-format=brackets",
]


def steady_binary() -> Path:
    exe = STEADY_DIR / "node_modules" / ".bin" / "steady"
    if not exe.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed to install Steady")
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


@contextmanager
def run_steady(spec: Path, *, start_timeout: float = 60) -> Iterator[str]:
    """Start Steady serving ``spec``; yields its base URL and stops it on exit."""
    exe = steady_binary()
    port = _free_port()
    proc = subprocess.Popen(
        [str(exe), "--host", "127.0.0.1", "-p", str(port), *VALIDATOR_FLAGS, str(spec)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_x-steady/health", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise RuntimeError(f"Steady did not start: {err[-2000:]}") from None
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
