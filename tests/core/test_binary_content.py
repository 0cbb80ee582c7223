"""Binary results behave as the official SDK's: ``BinaryContent`` methods on both clients, and a
streamed binary response's ``parse()`` gives ``bytes``."""

from __future__ import annotations

import pathlib

import trio

from trio_openai import AsyncOpenAI, BinaryContent, OpenAI
from trio_openai.testing import MockResponse, MockTransport

BODY = "line one\nzwei ü\n".encode("latin-1")


def _transport() -> MockTransport:
    return MockTransport(
        lambda request: MockResponse(content=BODY, headers={"content-type": "text/plain; charset=latin-1"})
    )


def _check(content: BinaryContent, tmp_path: pathlib.Path) -> None:
    assert content.charset_encoding == "latin-1"
    assert content.encoding == "latin-1"
    assert content.text == "line one\nzwei ü\n"
    assert list(content.iter_lines()) == ["line one", "zwei ü"]
    assert b"".join(content.iter_bytes(3)) == BODY
    assert list(content.iter_raw()) == [BODY]
    assert "".join(content.iter_text(4)) == content.text
    content.close()
    content.write_to_file(tmp_path / "out.txt")
    assert (tmp_path / "out.txt").read_bytes() == BODY


async def test_async_binary_content_methods(tmp_path: pathlib.Path) -> None:
    async with AsyncOpenAI(api_key="sk-test", base_url="http://test/v1", transport=_transport()) as client:
        with trio.fail_after(5):
            content = await client.files.content("file-1")
            _check(content, tmp_path)
            assert [line async for line in content.aiter_lines()] == ["line one", "zwei ü"]
            assert b"".join([piece async for piece in content.aiter_bytes(5)]) == BODY
            await content.astream_to_file(tmp_path / "again.txt")
            assert (tmp_path / "again.txt").read_bytes() == BODY
            await content.aclose()


async def test_async_streamed_binary_parse_gives_bytes() -> None:
    async with AsyncOpenAI(api_key="sk-test", base_url="http://test/v1", transport=_transport()) as client:
        with trio.fail_after(5):
            async with client.files.with_streaming_response.content("file-1") as response:
                assert await response.parse() == BODY
            raw = await client.files.with_raw_response.content("file-1")
            parsed = raw.parse()
            assert isinstance(parsed, BinaryContent)  # the raw response keeps the official BinaryContent
            assert parsed.content == BODY


def test_blocking_binary_content_writes_at_once(tmp_path: pathlib.Path) -> None:
    with OpenAI(api_key="sk-test", base_url="http://test/v1", transport=_transport()) as client:
        content = client.files.content("file-1")
        _check(content, tmp_path)  # write_to_file returns None, not an un-awaited coroutine
        with client.files.with_streaming_response.content("file-1") as response:
            assert response.parse() == BODY
