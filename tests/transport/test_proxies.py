"""Issue 13, real peers: through real proxies started on loopback (pproxy, in a subprocess).

HTTP proxy: CONNECT for https (the TLS session runs end to end with the target's trustme certificate),
absolute-form forwarding for http. SOCKS5 for both. Proxy authentication from the URL's
``user:password@``, and a proxy that refuses wrong credentials (a typed error without the password).
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import trio
import trustme

from tests.transport._raw_server import json_response, open_raw_server
from trio_openai import APIConnectionError, AsyncOpenAI, HTTPTransport


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def open_pproxy(auth: str = "") -> AsyncIterator[int]:
    """An http+socks5 proxy on 127.0.0.1 (``auth``: ``"user:password"`` required), stopped at the end."""
    port = _free_port()
    listen = f"http+socks5://127.0.0.1:{port}/" + (f"#{auth}" if auth else "")
    command = [sys.executable, "-m", "pproxy", "-l", listen, "--auth", "0"]
    process = await trio.lowlevel.open_process(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with trio.fail_after(15):
            while True:  # wait until it listens
                try:
                    stream = await trio.open_tcp_stream("127.0.0.1", port)
                except OSError:
                    await trio.sleep(0.05)
                    continue
                await stream.aclose()
                break
        yield port
    finally:
        process.kill()
        with trio.CancelScope(shield=True, deadline=trio.current_time() + 5):
            await process.wait()


def model(name: str) -> bytes:
    return b'{"id":"%s","object":"model","created":1,"owned_by":"me"}' % name.encode()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def tls_server_context(ca: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    return ctx


def tls_client_context(ca: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    return ctx


@pytest.mark.parametrize("scheme", ["http", "socks5"])
@pytest.mark.parametrize("target", ["http", "https"])
async def test_calls_go_through_a_real_proxy(ca: trustme.CA, scheme: str, target: str) -> None:
    tls = tls_server_context(ca) if target == "https" else None
    with trio.fail_after(30):
        async with open_raw_server(lambda n: [json_response(model(f"{target}-{n}"))], tls=tls) as server:
            async with open_pproxy() as port:
                transport = HTTPTransport(proxy=f"{scheme}://127.0.0.1:{port}", verify=tls_client_context(ca))
                async with AsyncOpenAI(
                    api_key="sk-test", base_url=server.base_url, transport=transport, max_retries=0
                ) as client:
                    assert (await client.models.retrieve("a")).id == f"{target}-0"
                    assert (await client.models.retrieve("b")).id == f"{target}-1"
                await transport.aclose()
            assert server.requests == 2
            assert server.targets[0] == "/v1/models/a"  # the proxy forwards origin-form to the target
            # the same settings with the proxy gone fail, with the target still up: the path was the proxy
            transport = HTTPTransport(proxy=f"{scheme}://127.0.0.1:{port}", verify=tls_client_context(ca))
            async with AsyncOpenAI(
                api_key="sk-test", base_url=server.base_url, transport=transport, max_retries=0
            ) as client:
                with pytest.raises(APIConnectionError):
                    await client.models.retrieve("c")
            await transport.aclose()
            assert server.requests == 2


@pytest.mark.parametrize("scheme", ["http", "socks5"])
async def test_proxy_authentication_and_a_proxy_that_refuses(ca: trustme.CA, scheme: str) -> None:
    tls = tls_server_context(ca)
    with trio.fail_after(30):
        async with (
            open_pproxy(auth="alice:s3cret") as port,
            open_raw_server(lambda n: [json_response(model("authed"))], tls=tls) as server,
        ):
            wrong = HTTPTransport(
                proxy=f"{scheme}://alice:wrong-pw@127.0.0.1:{port}", verify=tls_client_context(ca)
            )
            async with AsyncOpenAI(
                api_key="sk-test", base_url=server.base_url, transport=wrong, max_retries=0
            ) as client:
                with pytest.raises(APIConnectionError) as info:
                    await client.models.retrieve("a")
                text = "".join(f"{e!r} {e}" for e in _chain(info.value))
                assert "wrong-pw" not in text
                assert client.statistics().in_flight == 0
            await wrong.aclose()
            assert server.requests == 0

            right = HTTPTransport(
                proxy=f"{scheme}://alice:s3cret@127.0.0.1:{port}", verify=tls_client_context(ca)
            )
            async with AsyncOpenAI(
                api_key="sk-test", base_url=server.base_url, transport=right, max_retries=0
            ) as client:
                assert (await client.models.retrieve("a")).id == "authed"
            await right.aclose()
            assert server.requests == 1


def _chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen
