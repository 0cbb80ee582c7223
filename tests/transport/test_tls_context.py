"""The default TLS context is built once per process and shared by transports of the same settings
(building it loads the CA bundle); anything that makes a context differ gets its own."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
import trustme

from trio_openai import HTTPTransport
from trio_openai._core import _transport


def _ctx(transport: HTTPTransport) -> ssl.SSLContext:
    return transport._ssl_context()  # pyright: ignore[reportPrivateUsage]


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_transport, "_SHARED_TLS", {})
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


def test_transports_of_the_same_settings_share_one_context(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    real = HTTPTransport.ssl_context

    def counting(self: HTTPTransport) -> ssl.SSLContext:
        built.append(1)
        return real(self)

    monkeypatch.setattr(HTTPTransport, "ssl_context", counting)
    first, second = HTTPTransport(), HTTPTransport()
    assert _ctx(first) is _ctx(second)
    assert _ctx(first).verify_mode == ssl.CERT_REQUIRED and _ctx(first).check_hostname
    assert len(built) == 1
    unverified = HTTPTransport(verify=False)
    assert _ctx(unverified) is _ctx(HTTPTransport(verify=False))
    assert _ctx(unverified) is not _ctx(first) and _ctx(unverified).verify_mode == ssl.CERT_NONE
    assert len(built) == 2


def test_settings_that_change_the_context_get_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = _ctx(HTTPTransport())
    assert _ctx(HTTPTransport(http2=True)) is not default  # ALPN differs: set on the context per connection
    assert _ctx(HTTPTransport(trust_env=False)) is not default
    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    assert _ctx(HTTPTransport(verify=str(bundle))) is not _ctx(
        HTTPTransport(verify=str(bundle))
    )  # a path: not shared
    own = ssl.create_default_context()
    assert _ctx(HTTPTransport(verify=own)) is own
    cert = tmp_path / "client.pem"
    ca.issue_cert("client.example").private_key_and_cert_chain_pem.write_to_path(str(cert))
    with_cert = HTTPTransport(cert=str(cert))
    assert _ctx(with_cert) is not default and _ctx(with_cert) is not _ctx(HTTPTransport(cert=str(cert)))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))  # read when a transport first needs TLS
    from_env = _ctx(HTTPTransport())
    assert from_env is not default and from_env is _ctx(HTTPTransport())
    assert _ctx(HTTPTransport(trust_env=False)) is not from_env


def test_the_public_ssl_context_is_still_fresh() -> None:
    transport = HTTPTransport()
    assert transport.ssl_context() is not transport.ssl_context()
    assert transport.ssl_context() is not _ctx(transport)
