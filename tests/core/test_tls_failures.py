"""A TLS certificate the client does not trust is a permanent failure: one attempt, no retries.

Against a real TLS server on 127.0.0.1 (a certificate from a throwaway ``trustme`` CA the client was
not told about) and, for the retry decision alone, a MockTransport raising what httpcore2 raises.
"""

from __future__ import annotations

import ssl

import httpcore2
import pytest
import trio
import trio.testing
import trustme

import trio_openai
from tests._helpers import make_client
from trio_openai import AsyncOpenAI, RetryPolicy
from trio_openai.testing import MockRequest, MockResponse


async def _tls_server(listener: trio.SocketListener, context: ssl.SSLContext, accepted: list[int]) -> None:
    while True:
        stream = await listener.accept()
        accepted.append(1)
        tls = trio.SSLStream(stream, context, server_side=True)
        try:
            with trio.move_on_after(5):
                await tls.do_handshake()
        except trio.BrokenResourceError:
            pass  # the client refused our certificate: that is the point
        finally:
            await trio.aclose_forcefully(tls)


async def test_an_untrusted_certificate_is_not_retried() -> None:
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
    accepted: list[int] = []
    with trio.fail_after(20):
        listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
        listener = listeners[0]
        port = listener.socket.getsockname()[1]
        async with trio.open_nursery() as nursery:
            nursery.start_soon(_tls_server, listener, server_context, accepted)
            retry = RetryPolicy(max_retries=3, initial_delay=0.01, max_delay=0.01)
            async with AsyncOpenAI(
                api_key="sk-tls", base_url=f"https://127.0.0.1:{port}/v1", retry_policy=retry
            ) as client:
                with pytest.raises(trio_openai.APIConnectionError) as info:
                    await client.models.retrieve("m")
                assert client.statistics().pool is not None
                assert client.statistics().pool.active_connections == 0  # type: ignore[union-attr]
            nursery.cancel_scope.cancel()
        await listener.aclose()
    assert accepted == [1]  # one handshake, no retry
    assert not isinstance(info.value, trio_openai.APITimeoutError)
    chain: list[BaseException] = []
    current: BaseException | None = info.value
    while current is not None:
        chain.append(current)
        current = current.__cause__ or current.__context__
    assert any(isinstance(e, ssl.SSLCertVerificationError) for e in chain)


def _cert_failure() -> httpcore2.ConnectError:
    """What httpcore2 on trio raises for a refused certificate: ConnectError <- BrokenResourceError <- SSL."""
    try:
        try:
            raise ssl.SSLCertVerificationError(1, "certificate verify failed: unable to get local issuer")
        except ssl.SSLError as exc:
            raise trio.BrokenResourceError from exc
    except trio.BrokenResourceError as exc:
        error = httpcore2.ConnectError(str(exc))
        error.__cause__ = exc
        return error


@pytest.mark.parametrize(
    ("make_error", "attempts"),
    [
        (_cert_failure, 1),
        (lambda: ssl.SSLCertVerificationError(1, "certificate verify failed"), 1),
        (lambda: httpcore2.UnsupportedProtocol("ftp"), 1),
        (lambda: httpcore2.ConnectError("refused"), 3),
        (lambda: ssl.SSLError(1, "bad record mac"), 3),  # a TLS failure that is not about the certificate
    ],
)
async def test_which_transport_failures_are_retried(
    make_error: object, attempts: int, autojump_clock: trio.testing.MockClock
) -> None:
    seen: list[int] = []

    def handler(_req: MockRequest) -> MockResponse:
        seen.append(1)
        raise make_error()  # type: ignore[operator]

    client, _ = make_client(handler, max_retries=2)
    async with client:
        with trio.fail_after(60), pytest.raises(trio_openai.APIConnectionError):
            await client.models.retrieve("m")
    assert len(seen) == attempts
