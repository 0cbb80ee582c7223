"""A throwaway nginx serving the canned tree on 127.0.0.1, pinned to its own core.

`running_nginx(root)` writes a config into a fresh temporary prefix, picks a free port, starts nginx in
the foreground (`daemon off`) and stops it on exit from the `with`, whatever happens inside. Should the
runner be killed outright, the kernel sends nginx SIGTERM (PR_SET_PDEATHSIG), so no daemon is left.

POST requests: nginx's static handler answers POST with 405. `error_page 405 =200 $uri` turns that into an
internal redirect to the same URI (nginx switches the method to GET for it) answered with status 200, so a
POST gets the canned body. The request body is discarded by nginx and the connection stays keep-alive.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

_CONF = """\
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
worker_rlimit_nofile 16384;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 75s;
    keepalive_requests 10000000;
    client_body_buffer_size 64k;
    client_max_body_size 64m;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    types {{ }}
    default_type application/json;
    etag off;
    server_tokens off;

    map $arg_after $page_key {{
        ""                          first;
        "~^file-[0-9A-Za-z]+$"      $arg_after;
        default                     missing;
    }}

    server {{
        listen 127.0.0.1:{port} backlog=4096{tls};
        root {root};
        error_page 405 =200 $uri;

        location ~ ^/s[0-9a-z]+/v1/chat/completions$ {{
            default_type text/event-stream;
            add_header Cache-Control no-cache;
        }}
        location = /v1/files {{
            try_files /pages/$page_key.json =404;
        }}
        location / {{ }}
    }}
}}
"""

# HTTPS: TLS 1.2 and 1.3, sessions resumable by cache (TLS 1.2 ids) and by tickets (both versions).
_TLS = """ ssl;
        ssl_certificate {cert};
        ssl_certificate_key {cert};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:BENCH:1m;
        ssl_session_tickets on;
        ssl_session_timeout 10m"""


def die_with_parent() -> None:
    """preexec_fn: the kernel sends SIGTERM to the child if the runner dies without cleaning up (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes], error_log: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"nginx exited with {proc.returncode}: {error_log.read_text(errors='replace')}"
            )
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.02)
    raise RuntimeError("nginx did not start listening in time")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGQUIT)  # graceful: master tells the worker to finish and exit
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextlib.contextmanager
def running_nginx(root: Path, *, cpu: int | None = 1, tls_cert: Path | None = None) -> Iterator[str]:
    """Serves `root` and yields its base URL (`http://127.0.0.1:PORT`).

    With `tls_cert` (a PEM file holding the private key and the certificate chain, e.g. from trustme)
    it serves HTTPS instead (`https://127.0.0.1:PORT`), with a session cache so clients can resume."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    prefix = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    os.chmod(prefix, 0o755)
    try:
        for attempt in range(5):
            port = _free_port()
            conf = prefix / "nginx.conf"
            tls = ""
            if tls_cert is not None:
                tls = _TLS.format(cert=Path(tls_cert).resolve())
            conf.write_text(_CONF.format(prefix=prefix, port=port, root=root.resolve(), tls=tls))
            cmd = [nginx, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
            if cpu is not None and shutil.which("taskset"):
                cmd = ["taskset", "-c", str(cpu), *cmd]
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=die_with_parent
            )
            try:
                _wait_listening(port, proc, prefix / "error.log", time.monotonic() + 10)
            except RuntimeError:
                _stop(proc)
                if attempt == 4:
                    raise
                continue
            try:
                yield f"{'https' if tls_cert is not None else 'http'}://127.0.0.1:{port}"
            finally:
                _stop(proc)
            return
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
