"""The default TLS context is built once per process and shared by transports of the same settings
(building it loads the CA bundle); anything that makes a context differ gets its own."""

from __future__ import annotations

import ssl
import threading
from pathlib import Path

import pytest
import trustme

from trio_openai import AsyncOpenAI, HTTPTransport
from trio_openai._core import _transport


def _ctx(transport: HTTPTransport) -> ssl.SSLContext:
    return transport._ssl_context()  # pyright: ignore[reportPrivateUsage]


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_transport, "_SHARED_TLS", {})
    monkeypatch.setattr(_transport, "_WARMING", {})
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


def _counting_builds(monkeypatch: pytest.MonkeyPatch, gate: threading.Event | None = None) -> list[str]:
    built: list[str] = []
    real = HTTPTransport.ssl_context

    def counting(self: HTTPTransport) -> ssl.SSLContext:
        built.append(threading.current_thread().name)
        if gate is not None:
            assert gate.wait(10)
        return real(self)

    monkeypatch.setattr(HTTPTransport, "ssl_context", counting)
    return built


def test_an_https_client_warms_the_shared_context_up_once_in_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = threading.Event()
    built = _counting_builds(monkeypatch, gate)
    AsyncOpenAI(api_key="sk-x", base_url="https://api.example.test/v1")
    AsyncOpenAI(api_key="sk-x", base_url="https://api.example.test/v1")  # already warming: no second thread
    transport = HTTPTransport()
    assert transport.warm_tls() is False
    gate.set()
    ctx = _ctx(transport)  # waits for the warm-up instead of building its own
    assert built == ["trio-openai-tls-warm-up"]
    assert ctx is _ctx(HTTPTransport()) and ctx.verify_mode == ssl.CERT_REQUIRED
    assert transport.warm_tls() is False  # built: nothing to do


def test_no_warm_up_for_plain_http_a_given_transport_or_an_own_context(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    built = _counting_builds(monkeypatch)
    AsyncOpenAI(api_key="sk-x", base_url="http://127.0.0.1:1/v1")
    AsyncOpenAI(api_key="sk-x", base_url="https://api.example.test/v1", transport=HTTPTransport())
    AsyncOpenAI(api_key="sk-x", base_url="https://api.example.test/v1", verify=ssl.create_default_context())
    bundle = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(bundle))
    assert HTTPTransport(verify=str(bundle)).warm_tls() is False
    assert built == []


def test_a_failed_warm_up_leaves_the_error_to_the_request(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    transport = HTTPTransport()
    assert transport.warm_tls() is True
    with pytest.raises(OSError):  # the request path builds it again and raises what it raises
        _ctx(transport)
    monkeypatch.delenv("SSL_CERT_FILE")
    assert _ctx(transport).verify_mode == ssl.CERT_REQUIRED
