"""Every header we send is checked before any I/O, and no error about one quotes its value.

A key with a trailing newline (read from a file), a value outside latin-1, a header injection attempt
(CR LF in a value or a name), a non-str value: each is a ``ValueError`` / ``TypeError`` naming the
header, raised before the transport is asked for anything, whose message, repr, traceback text and
whole ``__cause__`` / ``__context__`` chain never contain the secret.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

import pytest
import trio

from tests._helpers import MODEL
from trio_openai import AsyncOpenAI, OpenAI
from trio_openai.testing import MockRequest, MockResponse, MockTransport

SECRET = "sk-proj-Zq8vN3tW5xY7aB9cD1eF"


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in out:
        out.append(current)
        current = current.__cause__ or current.__context__
    return out


def assert_secret_free(exc: BaseException, secret: str = SECRET) -> None:
    for item in _chain(exc):
        assert secret not in str(item)
        assert secret not in repr(item)
        assert all(secret not in repr(arg) for arg in item.args)
    assert secret not in "".join(traceback.format_exception(exc))
    assert len(_chain(exc)) == 1  # nothing chained: no library error quoting the header behind ours


class Counting:
    """A MockTransport that counts requests: a check "before any I/O" means zero."""

    def __init__(self) -> None:
        self.calls = 0
        self.transport = MockTransport(self._handle)

    def _handle(self, _req: MockRequest) -> MockResponse:
        self.calls += 1
        return MockResponse(json=MODEL)


def _client(counting: Counting, **kwargs: Any) -> AsyncOpenAI:
    kwargs.setdefault("api_key", SECRET)
    return AsyncOpenAI(transport=counting.transport, base_url="http://api.test/v1", **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"api_key": SECRET + "\n"}, ["api_key", "line break", "strip"]),
        ({"api_key": SECRET + "\r\n"}, ["api_key", "line break"]),
        ({"api_key": " " + SECRET}, ["api_key", "whitespace"]),
        ({"api_key": SECRET + "\u2019"}, ["api_key", "outside latin-1"]),
        ({"api_key": SECRET + "\x00"}, ["api_key", "control character"]),
        ({"organization": f"org-1\r\nAuthorization: Bearer {SECRET}"}, ["organization", "line break"]),
        ({"project": f"proj\u00e9\u2603{SECRET}"}, ["project", "outside latin-1"]),
        ({"default_headers": {"X-Note": f"{SECRET}\n"}}, ["X-Note header", "line break"]),
        ({"default_headers": {"X-Note": f"caf\u00e9 \u2019{SECRET}"}}, ["X-Note header", "outside latin-1"]),
        ({"default_headers": {f"X-A\r\nAuthorization: Bearer {SECRET}": "v"}}, ["header name", "line break"]),
        ({"default_headers": {f"X A {SECRET}": "v"}}, ["header name", "not allowed"]),
    ],
)
async def test_bad_client_headers_fail_at_construction(kwargs: dict[str, Any], names: list[str]) -> None:
    counting = Counting()
    with pytest.raises(ValueError) as info:
        _client(counting, **kwargs)
    for name in names:
        assert name in str(info.value)
    assert_secret_free(info.value)
    assert counting.calls == 0


@pytest.mark.parametrize(
    ("extra", "names", "error"),
    [
        ({"X-Trace": f"a\r\nAuthorization: Bearer {SECRET}"}, ["X-Trace header", "line break"], ValueError),
        ({"X-Trace": f"\u201c{SECRET}\u201d"}, ["X-Trace header", "outside latin-1"], ValueError),
        ({f"X-Trace\nX-Evil: {SECRET}": "1"}, ["header name"], ValueError),
        ({"X-Count": 3}, ["X-Count header", "must be a str"], TypeError),
        ({"": "v"}, ["header name", "empty"], ValueError),
    ],
)
async def test_bad_per_call_headers_fail_before_any_io(
    extra: dict[str, Any], names: list[str], error: type[Exception]
) -> None:
    counting = Counting()
    async with _client(counting) as client:
        with trio.fail_after(10), pytest.raises(error) as info:
            await client.models.retrieve("m", extra_headers=extra)
        for name in names:
            assert name in str(info.value)
        assert_secret_free(info.value)
        assert counting.calls == 0
        await client.models.retrieve("m")  # the client is fine
        assert counting.calls == 1


async def test_a_bad_idempotency_key_fails_before_any_io() -> None:
    counting = Counting()
    async with _client(counting) as client:
        with trio.fail_after(10), pytest.raises(ValueError, match="idempotency_key") as info:
            await client.models.delete("m", idempotency_key=f"{SECRET}\n")  # type: ignore[call-arg]
        assert_secret_free(info.value)
        assert counting.calls == 0


@pytest.mark.parametrize("provider_kind", ["sync", "async"])
async def test_a_key_provider_returning_a_bad_key_fails_before_any_io(provider_kind: str) -> None:
    def sync_provider() -> str:
        return SECRET + "\n"

    async def async_provider() -> str:
        return SECRET + "\n"

    provider: Callable[[], Any] = sync_provider if provider_kind == "sync" else async_provider
    counting = Counting()
    async with _client(counting, api_key=provider, max_retries=3) as client:
        with trio.fail_after(10), pytest.raises(ValueError, match="api_key provider") as info:
            await client.models.retrieve("m")
        assert_secret_free(info.value)
        assert counting.calls == 0


async def test_valid_edge_cases_still_go_through() -> None:
    seen: list[MockRequest] = []

    def handler(req: MockRequest) -> MockResponse:
        seen.append(req)
        return MockResponse(json=MODEL)

    client = AsyncOpenAI(
        api_key=SECRET,
        transport=MockTransport(handler),
        base_url="http://api.test/v1",
        default_headers={"X-Latin": "caf\u00e9", "X-Empty": "", "X-Inner": "a \t b", "X~Odd!#": "1"},
    )
    async with client:
        with trio.fail_after(10):
            await client.models.retrieve("m", extra_headers={"X-Per-Call": "ok"})
    headers = seen[0].headers
    assert headers["x-latin"] == "caf\u00e9"
    assert headers["x-empty"] == "" and headers["x-inner"] == "a \t b" and headers["x~odd!#"] == "1"
    assert headers["authorization"] == f"Bearer {SECRET}"


def test_the_blocking_client_checks_the_key_too() -> None:
    with pytest.raises(ValueError, match="api_key") as info:
        OpenAI(api_key=SECRET + "\n", base_url="http://api.test/v1")
    assert_secret_free(info.value)
