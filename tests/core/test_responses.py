"""with_raw_response, with_streaming_response, rate-limit headers, binary content, logging."""

from __future__ import annotations

import datetime
import logging
import pathlib
import subprocess
import sys

import pytest
import trio
import trio.testing

import trio_openai
from tests._helpers import MODEL, make_client
from trio_openai import APIResponse, AsyncAPIResponse, BinaryContent, StreamAlreadyConsumed
from trio_openai.testing import MockRequest, MockResponse
from trio_openai.types.model import Model

RATE_HEADERS = {
    "x-request-id": "req_abc",
    "x-ratelimit-limit-requests": "10000",
    "x-ratelimit-limit-tokens": "2000000",
    "x-ratelimit-remaining-requests": "9999",
    "x-ratelimit-remaining-tokens": "1999000",
    "x-ratelimit-reset-requests": "6ms",
    "x-ratelimit-reset-tokens": "1m30.5s",
}


def model_with_headers(_req: MockRequest) -> MockResponse:
    return MockResponse(json=MODEL, headers=RATE_HEADERS)


async def test_with_raw_response_gives_metadata_and_parse() -> None:
    client, _ = make_client(model_with_headers)
    async with client:
        with trio.fail_after(5):
            raw = await client.models.with_raw_response.retrieve("gpt-test")
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["X-Request-Id"] == "req_abc"
    assert raw.request_id == "req_abc"
    assert raw.retries_taken == 0
    assert isinstance(raw.elapsed, datetime.timedelta)
    assert raw.method == "GET" and raw.url == "http://api.test/v1/models/gpt-test"
    assert raw.is_closed
    model = raw.parse()
    assert isinstance(model, Model) and model.id == "gpt-test"
    assert raw.parse() is model  # cached
    assert raw.json() == MODEL
    assert raw.text.startswith("{")
    assert raw.parse(to=dict) == MODEL


async def test_rate_limit_headers_are_parsed() -> None:
    client, _ = make_client(model_with_headers)
    async with client:
        with trio.fail_after(5):
            raw = await client.models.with_raw_response.retrieve("gpt-test")
    limits = raw.rate_limits
    assert limits.limit_requests == 10000 and limits.limit_tokens == 2000000
    assert limits.remaining_requests == 9999 and limits.remaining_tokens == 1999000
    assert limits.reset_requests == pytest.approx(0.006)
    assert limits.reset_tokens == pytest.approx(90.5)
    assert limits.seconds_until_available() is None


async def test_rate_limits_on_errors_too() -> None:
    def handler(req: MockRequest) -> MockResponse:
        return MockResponse(
            429,
            json={"error": {"message": "slow down"}},
            headers={**RATE_HEADERS, "x-ratelimit-remaining-requests": "0", "retry-after": "500"},
        )

    client, _ = make_client(handler)
    async with client:
        with trio.fail_after(5), pytest.raises(trio_openai.RateLimitError) as info:
            await client.models.retrieve("m")
    assert info.value.response.rate_limits.remaining_requests == 0
    assert info.value.response.rate_limits.seconds_until_available() == pytest.approx(0.006)


async def test_with_streaming_response_does_not_read_until_asked() -> None:
    chunks_sent: list[bytes] = []

    async def body():  # type: ignore[no-untyped-def]
        for piece in (b'{"id": "gpt-test", ', b'"object": "model", "created": 1, ', b'"owned_by": "o"}'):
            chunks_sent.append(piece)
            yield piece

    client, _ = make_client(lambda r: MockResponse(stream=body(), headers=RATE_HEADERS))
    async with client:
        with trio.fail_after(5):
            async with client.models.with_streaming_response.retrieve("gpt-test") as response:
                assert isinstance(response, AsyncAPIResponse)
                assert response.request_id == "req_abc"
                assert chunks_sent == []
                assert not response.is_closed
                model = await response.parse()
                assert isinstance(model, Model) and model.owned_by == "o"
                assert len(chunks_sent) == 3
                assert await response.read() == b"".join(chunks_sent)
            assert response.is_closed


async def test_streamed_body_can_only_be_iterated_once() -> None:
    client, _ = make_client(lambda r: MockResponse(stream=[b"ab", b"cd"]))
    async with client:
        with trio.fail_after(5):
            async with client.models.with_streaming_response.retrieve("m") as response:
                assert [c async for c in response.iter_bytes()] == [b"ab", b"cd"]
                with pytest.raises(StreamAlreadyConsumed):
                    async for _ in response.iter_bytes():
                        pass


async def test_streamed_response_lines_and_file(tmp_path: pathlib.Path) -> None:
    client, _ = make_client(lambda r: MockResponse(stream=[b"one\ntw", b"o\r\nthree"]))
    async with client:
        with trio.fail_after(5):
            async with client.models.with_streaming_response.retrieve("m") as response:
                assert [line async for line in response.iter_lines()] == ["one", "two", "three"]
            async with client.models.with_streaming_response.retrieve("m") as response:
                await response.stream_to_file(tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == b"one\ntwo\r\nthree"


async def test_binary_content(tmp_path: pathlib.Path) -> None:
    client, _ = make_client(
        lambda r: MockResponse(content=b"\x00RIFF", headers={"content-type": "audio/wav"})
    )
    async with client:
        with trio.fail_after(5):
            content = await client._request("get", "/files/f/content", cast_to=BinaryContent)
    assert isinstance(content, BinaryContent)
    assert content.read() == b"\x00RIFF"
    assert [c async for c in content.aiter_bytes(2)] == [b"\x00R", b"IF", b"F"]
    content.write_to_file(tmp_path / "a.wav")  # at once, as the official SDK's (not a coroutine)
    assert (tmp_path / "a.wav").read_bytes() == b"\x00RIFF"
    await content.astream_to_file(tmp_path / "b.wav")
    assert (tmp_path / "b.wav").read_bytes() == b"\x00RIFF"


async def test_debug_logging_redacts_secrets(
    caplog: pytest.LogCaptureFixture, autojump_clock: trio.testing.MockClock
) -> None:
    caplog.set_level(logging.DEBUG, logger="trio_openai")
    statuses = iter([503, 200])

    def handler(req: MockRequest) -> MockResponse:
        status = next(statuses)
        return MockResponse(status, json=MODEL if status == 200 else {"error": {"message": "x"}})

    client, _ = make_client(handler, api_key="sk-do-not-log")
    async with client:
        with trio.fail_after(30):
            await client.models.retrieve("m")
    assert "Retrying request to /models/m" in caplog.text
    assert "sk-do-not-log" not in caplog.text
    assert "Bearer" not in caplog.text


def test_openai_log_environment_variable() -> None:
    code = (
        "import trio, trio_openai\n"
        "from trio_openai.testing import MockTransport, MockResponse\n"
        "t = MockTransport(lambda r: MockResponse(json={'id':'m','object':'model','created':1,'owned_by':'o'}))\n"
        "async def main():\n"
        "    async with trio_openai.AsyncOpenAI(api_key='sk-secret-env', transport=t, base_url='http://x') as c:\n"
        "        await c.models.retrieve('m')\n"
        "trio.run(main)\n"
    )
    env = {"OPENAI_LOG": "debug", "PATH": "", "PYTHONPATH": str(pathlib.Path(__file__).parents[2])}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "HTTP Request: GET http://x/models/m" in out.stderr
    assert "sk-secret-env" not in out.stderr
