"""Retries, backoff, Retry-After, errors and their classes. Sleeps run on trio's MockClock."""

from __future__ import annotations

import email.utils
import itertools
import math
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpcore2
import pytest
import trio
import trio.testing

import trio_openai
from tests._helpers import MODEL, make_client
from trio_openai import RetryPolicy
from trio_openai._core._retry import parse_retry_after
from trio_openai.testing import MockRequest, MockResponse


def scripted(*steps: Any) -> tuple[Callable[[MockRequest], MockResponse], list[float]]:
    """A handler answering with ``steps`` in order (a status int, a (status, headers) pair, a
    MockResponse, or an exception to raise), recording trio.current_time() of each request."""
    times: list[float] = []
    it: Iterator[Any] = iter(steps)

    def handler(req: MockRequest) -> MockResponse:
        times.append(trio.current_time())
        step = next(it)
        if isinstance(step, BaseException):
            raise step
        if isinstance(step, MockResponse):
            return step
        status, headers = step if isinstance(step, tuple) else (step, {})
        if status == 200:
            return MockResponse(json=MODEL, headers=headers)
        return MockResponse(
            status, json={"error": {"message": f"status {status}", "type": "t"}}, headers=headers
        )

    return handler, times


def gaps(times: list[float]) -> list[float]:
    return [round(b - a, 6) for a, b in itertools.pairwise(times)]


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 599])
async def test_retryable_statuses(status: int, autojump_clock: trio.testing.MockClock) -> None:
    handler, times = scripted(status, status, 200)
    client, transport = make_client(handler, retry_policy=RetryPolicy(jitter=0))
    async with client:
        with trio.fail_after(60):
            raw = await client.models.with_raw_response.retrieve("m")
    assert raw.retries_taken == 2
    assert gaps(times) == [0.5, 1.0]
    assert [r.headers["x-stainless-retry-count"] for r in transport.requests] == ["0", "1", "2"]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_errors_are_not_retried(status: int, autojump_clock: trio.testing.MockClock) -> None:
    handler, times = scripted(status)
    client, _ = make_client(handler)
    async with client:
        with trio.fail_after(60), pytest.raises(trio_openai.APIStatusError) as info:
            await client.models.retrieve("m")
    assert info.value.status_code == status
    assert len(times) == 1


async def test_backoff_ladder_and_exhaustion(autojump_clock: trio.testing.MockClock) -> None:
    handler, times = scripted(*([500] * 7))
    client, _ = make_client(handler, max_retries=6, retry_policy=RetryPolicy(jitter=0))
    async with client:
        with trio.fail_after(120), pytest.raises(trio_openai.InternalServerError):
            await client.models.retrieve("m")
    assert gaps(times) == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


async def test_jitter_takes_at_most_a_quarter_off(autojump_clock: trio.testing.MockClock) -> None:
    handler, times = scripted(*([503] * 5))
    client, _ = make_client(handler, max_retries=4)
    async with client:
        with trio.fail_after(120), pytest.raises(trio_openai.InternalServerError):
            await client.models.retrieve("m")
    for got, base in zip(gaps(times), [0.5, 1.0, 2.0, 4.0], strict=True):
        assert 0.75 * base <= got <= base


async def test_idempotency_key_is_stable_across_retries(autojump_clock: trio.testing.MockClock) -> None:
    deleted = MockResponse(json={"id": "x", "deleted": True, "object": "model"})
    handler, _ = scripted(500, 500, deleted, deleted)
    client, transport = make_client(handler)
    async with client:
        with trio.fail_after(60):
            await client.models.delete("m")
            await client.models.delete("m", idempotency_key="my-key")
    keys = [r.headers["idempotency-key"] for r in transport.requests[:3]]
    assert len(set(keys)) == 1 and keys[0].startswith("trio-openai-retry-")
    assert transport.requests[3].headers["idempotency-key"] == "my-key"


@pytest.mark.parametrize(
    ("headers", "expected_gap"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "2000", "retry-after": "9"}, 2.0),
        ({"retry-after": "120"}, 120.0),
        ({"retry-after": "0"}, 0.5),  # zero falls back to backoff
        ({"retry-after": "-4"}, 0.5),
        ({"retry-after": "soon"}, 0.5),
        ({"retry-after": "inf"}, 0.5),  # a literal inf is ignored
    ],
)
async def test_retry_after(
    headers: dict[str, str], expected_gap: float, autojump_clock: trio.testing.MockClock
) -> None:
    handler, times = scripted((429, headers), 200)
    client, _ = make_client(handler, retry_policy=RetryPolicy(jitter=0))
    async with client:
        with trio.fail_after(600):
            await client.models.retrieve("m")
    assert gaps(times) == [expected_gap]


@pytest.mark.parametrize(
    "headers",
    [{"retry-after": "121"}, {"retry-after-ms": "120001"}, {"retry-after": "9" * 400}],
)
async def test_retry_after_above_the_maximum_is_not_retried(
    headers: dict[str, str], autojump_clock: trio.testing.MockClock
) -> None:
    handler, times = scripted((429, headers), 200)
    client, _ = make_client(handler)
    async with client:
        with trio.fail_after(600), pytest.raises(trio_openai.RateLimitError):
            await client.models.retrieve("m")
    assert len(times) == 1


async def test_retry_after_http_date(autojump_clock: trio.testing.MockClock) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    got = parse_retry_after({"retry-after": when})
    assert got is not None and 28 <= got <= 31
    assert parse_retry_after({"retry-after": "Not a date"}) is None
    assert parse_retry_after({}) is None
    assert parse_retry_after({"retry-after": "1" * 400}) == math.inf


async def test_x_should_retry_overrides(autojump_clock: trio.testing.MockClock) -> None:
    handler, times = scripted((400, {"x-should-retry": "true"}), 200)
    client, _ = make_client(handler)
    async with client:
        with trio.fail_after(60):
            await client.models.retrieve("m")
    assert len(times) == 2
    handler, times = scripted((503, {"x-should-retry": "false"}), 200)
    client, _ = make_client(handler)
    async with client:
        with trio.fail_after(60), pytest.raises(trio_openai.InternalServerError):
            await client.models.retrieve("m")
    assert len(times) == 1


async def test_429_waits_for_the_rate_limit_reset(autojump_clock: trio.testing.MockClock) -> None:
    limited = {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "6s"}
    handler, times = scripted((429, limited), 200)
    client, _ = make_client(handler)
    async with client:
        with trio.fail_after(60):
            await client.models.retrieve("m")
    assert gaps(times) == [6.0]


async def test_connection_errors_and_timeouts_are_retried(autojump_clock: trio.testing.MockClock) -> None:
    handler, times = scripted(httpcore2.ConnectError("refused"), httpcore2.ReadError("reset"), 200)
    client, _ = make_client(handler, retry_policy=RetryPolicy(jitter=0))
    async with client:
        with trio.fail_after(60):
            raw = await client.models.with_raw_response.retrieve("m")
    assert raw.retries_taken == 2 and gaps(times) == [0.5, 1.0]

    handler, _ = scripted(*[httpcore2.ReadTimeout("slow")] * 3)
    client, _ = make_client(handler)
    async with client:
        with trio.fail_after(60), pytest.raises(trio_openai.APITimeoutError) as timeout_info:
            await client.models.retrieve("m")
    assert isinstance(timeout_info.value.__cause__, httpcore2.ReadTimeout)

    handler, _ = scripted(*[httpcore2.ConnectError("refused")] * 3)
    client, _ = make_client(handler)
    async with client:
        with trio.fail_after(60), pytest.raises(trio_openai.APIConnectionError) as conn_info:
            await client.models.retrieve("m")
    assert conn_info.value.message == "Connection error."
    assert not isinstance(conn_info.value, trio_openai.APITimeoutError)


async def test_application_errors_are_not_retried_or_wrapped(autojump_clock: trio.testing.MockClock) -> None:
    handler, times = scripted(RuntimeError("bug"), 200)
    client, _ = make_client(handler)
    async with client:
        with trio.fail_after(60), pytest.raises(RuntimeError, match="bug"):
            await client.models.retrieve("m")
    assert len(times) == 1


async def test_one_shot_bodies_are_not_retried(autojump_clock: trio.testing.MockClock) -> None:
    handler, times = scripted(500, 200)
    client, _ = make_client(handler)

    async def body() -> Any:
        yield b"part1"
        yield b"part2"

    async with client:
        with trio.fail_after(60), pytest.raises(trio_openai.InternalServerError):
            await client._request("post", "/uploads/u/parts", cast_to=dict, content=body())
    assert len(times) == 1


async def test_per_call_max_retries(autojump_clock: trio.testing.MockClock) -> None:
    handler, times = scripted(500, 500, 500, 500, 200)
    client, _ = make_client(handler)
    async with client:
        with trio.fail_after(60):
            await client.models.retrieve("m", max_retries=4)
    assert len(times) == 5
    handler, times = scripted(500, 200)
    client, _ = make_client(handler)
    async with client:
        with trio.fail_after(60), pytest.raises(trio_openai.InternalServerError):
            await client.models.retrieve("m", max_retries=0)
    assert len(times) == 1


async def test_total_timeout_bounds_retries(autojump_clock: trio.testing.MockClock) -> None:
    handler, times = scripted(*([500] * 10))
    client, _ = make_client(handler, max_retries=9, timeout=trio_openai.Timeout(60, total=3.0))
    async with client:
        with trio.fail_after(60), pytest.raises(trio_openai.APITimeoutError, match="total"):
            await client.models.retrieve("m")
    assert trio.current_time() - times[0] <= 3.0 + 1e-6


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, trio_openai.BadRequestError),
        (401, trio_openai.AuthenticationError),
        (403, trio_openai.PermissionDeniedError),
        (404, trio_openai.NotFoundError),
        (409, trio_openai.ConflictError),
        (422, trio_openai.UnprocessableEntityError),
        (429, trio_openai.RateLimitError),
        (500, trio_openai.InternalServerError),
        (418, trio_openai.APIStatusError),
    ],
)
async def test_error_classes_and_fields(status: int, cls: type[trio_openai.APIStatusError]) -> None:
    body = {"error": {"message": "Bad thing", "type": "invalid_request_error", "param": "model", "code": 42}}

    def handler(req: MockRequest) -> MockResponse:
        return MockResponse(status, json=body, headers={"x-request-id": "req_e"})

    client, _ = make_client(handler, max_retries=0)
    async with client:
        with trio.fail_after(5), pytest.raises(cls) as info:
            await client.models.retrieve("m")
    err = info.value
    assert type(err) is cls
    assert err.status_code == status
    assert err.message == f"Error code: {status} - Bad thing"
    assert (err.code, err.param, err.type) == ("42", "model", "invalid_request_error")
    assert err.request_id == "req_e"
    assert err.body == body["error"]
    assert err.request is not None and err.request.url.endswith("/models/m")


async def test_non_json_error_bodies_are_readable() -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>"

    def handler(req: MockRequest) -> MockResponse:
        return MockResponse(502, content=page, headers={"content-type": "text/html"})

    client, _ = make_client(handler, max_retries=0)
    async with client:
        with trio.fail_after(5), pytest.raises(trio_openai.InternalServerError) as info:
            await client.models.retrieve("m")
    assert info.value.message == "Error code: 502 - 502 Bad Gateway"
    assert info.value.code is None

    client, _ = make_client(lambda r: MockResponse(500), max_retries=0)
    async with client:
        with trio.fail_after(5), pytest.raises(trio_openai.InternalServerError, match=r"^Error code: 500$"):
            await client.models.retrieve("m")
