"""embeddings.create asks for base64 by default and hands back floats; an explicit format is left alone."""

from __future__ import annotations

import array
import base64
import sys
from typing import Any

import msgspec
import pytest
import trio

from trio_openai import AsyncOpenAI, OpenAI
from trio_openai.lib._embeddings import floats_from_base64
from trio_openai.testing import MockRequest, MockResponse, MockTransport, open_fake_server

VECTORS = [[0.5, -1.25, 3.0], [0.0, 1e-3, -2.5]]


def _b64(vector: list[float]) -> str:
    values = array.array("f", vector)
    if sys.byteorder != "little":
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode()


def handler(request: MockRequest) -> MockResponse:
    """Answers like the API: base64 float32 when asked, else JSON numbers."""
    body: dict[str, Any] = msgspec.json.decode(request.content)
    as_base64 = body.get("encoding_format") == "base64"
    data = [
        {"object": "embedding", "index": i, "embedding": _b64(v) if as_base64 else v}
        for i, v in enumerate(VECTORS)
    ]
    return MockResponse(
        json={
            "object": "list",
            "data": data,
            "model": body["model"],
            "usage": {"prompt_tokens": 2, "total_tokens": 2},
        }
    )


def _sent(transport: MockTransport, index: int = -1) -> dict[str, Any]:
    return msgspec.json.decode(transport.requests[index].content)


async def test_omitted_format_sends_base64_and_returns_floats() -> None:
    transport = MockTransport(handler)
    async with AsyncOpenAI(api_key="sk", base_url="http://api.test/v1", transport=transport) as client:
        with trio.fail_after(5):
            result = await client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
    assert _sent(transport)["encoding_format"] == "base64"
    for item, vector in zip(result.data, VECTORS, strict=True):
        assert item.embedding == pytest.approx(vector, rel=1e-6)
    assert all(isinstance(x, float) for item in result.data for x in item.embedding)


async def test_explicit_formats_are_sent_as_given_and_left_untouched() -> None:
    transport = MockTransport(handler)
    async with AsyncOpenAI(api_key="sk", base_url="http://api.test/v1", transport=transport) as client:
        with trio.fail_after(5):
            floats = await client.embeddings.create(model="m", input="a", encoding_format="float")
            encoded = await client.embeddings.create(model="m", input="a", encoding_format="base64")
    assert _sent(transport, 0)["encoding_format"] == "float"
    assert floats.data[0].embedding == VECTORS[0]
    assert _sent(transport, 1)["encoding_format"] == "base64"
    raw: object = encoded.data[0].embedding
    assert raw == _b64(VECTORS[0])  # the caller asked for base64: the string as sent


async def test_raw_response_parse_decodes_too() -> None:
    transport = MockTransport(handler)
    async with AsyncOpenAI(api_key="sk", base_url="http://api.test/v1", transport=transport) as client:
        with trio.fail_after(5):
            response = await client.embeddings.with_raw_response.create(model="m", input="a")
    assert isinstance(msgspec.json.decode(response.content)["data"][0]["embedding"], str)
    assert response.parse().data[1].embedding == pytest.approx(VECTORS[1], rel=1e-6)


def test_blocking_client_decodes_too() -> None:
    transport = MockTransport(handler)
    with OpenAI(api_key="sk", base_url="http://api.test/v1", transport=transport, timeout=5) as client:
        result = client.embeddings.create(model="m", input="a")
    assert _sent(transport)["encoding_format"] == "base64"
    assert result.data[0].embedding == pytest.approx(VECTORS[0], rel=1e-6)


async def test_fake_server_floats_and_default_agree() -> None:
    with trio.fail_after(10):
        async with open_fake_server() as server:
            async with AsyncOpenAI(api_key="sk", base_url=server.base_url) as client:
                default = await client.embeddings.create(model="text-embedding-3-small", input="hello")
                floats = await client.embeddings.create(
                    model="text-embedding-3-small", input="hello", encoding_format="float"
                )
    assert len(default.data[0].embedding) == len(floats.data[0].embedding) > 0
    assert default.data[0].embedding == pytest.approx(floats.data[0].embedding, rel=1e-6, abs=1e-7)


def test_bad_payloads_are_errors() -> None:
    assert floats_from_base64(_b64([1.5])) == [1.5]
    with pytest.raises(ValueError, match="not valid base64"):
        floats_from_base64("not base64!")
    with pytest.raises(ValueError, match="whole number of float32"):
        floats_from_base64(base64.b64encode(b"abc").decode())
