"""The delay server's lifetime and the `wrk` ceiling of the nginx server."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from adapters._contract import CHAT_MODEL, MESSAGES
from nginx_server import die_with_parent

_HERE = Path(__file__).resolve().parent


@contextlib.contextmanager
def running_delay_server(root: Path, delay: float, *, cpu: int | None = 1) -> Iterator[str]:
    """Starts delay_server.py and yields its base URL; it exits when we close its stdin."""
    cmd = [sys.executable, str(_HERE / "delay_server.py"), str(root), str(delay)]
    if cpu is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", str(cpu), *cmd]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=die_with_parent,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.match(r"PORT (\d+)", line)
        if not match:
            raise RuntimeError(f"delay server did not start: {line!r}")
        yield f"http://127.0.0.1:{match.group(1)}"
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


_LUA = """\
wrk.method = "POST"
wrk.body = '{body}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
"""


def wrk_ceiling(base: str, *, connections: int, seconds: int, cpu: int | None = 0) -> dict[str, float | str]:
    """POSTs the small chat request with wrk (one thread) for `seconds`; returns req/s and mean latency."""
    import json

    body = json.dumps({"model": CHAT_MODEL, "messages": MESSAGES})
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(_LUA.format(body=body.replace("'", "\\'")))
        script = f.name
    try:
        cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", script, f"{base}/v1/chat/completions"]
        if cpu is not None and shutil.which("taskset"):
            cmd = ["taskset", "-c", str(cpu), *cmd]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    finally:
        Path(script).unlink(missing_ok=True)
    rps = re.search(r"Requests/sec:\s*([\d.]+)", out)
    lat = re.search(r"Latency\s+([\d.]+)(us|ms|s)\b", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    if not rps or not lat:
        raise RuntimeError(f"unexpected wrk output: {out}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[lat.group(2)]
    result: dict[str, float | str] = {
        "connections": connections,
        "rps": float(rps.group(1)),
        "latency_ms": float(lat.group(1)) * scale,
    }
    if non2xx:
        result["non2xx"] = float(non2xx.group(1))
    return result
