"""Request building: what `prepare` caches per configuration must not leak between calls, and the
idempotency keys drawn in batches stay unique (across threads and across a fork)."""

from __future__ import annotations

import os
import sys
from typing import Any

import pytest
import trio

from tests._helpers import make_client
from trio_openai._core import _request
from trio_openai.testing import MockRequest, MockResponse

MODEL = {"id": "m", "object": "model", "created": 1, "owned_by": "o"}


def test_idempotency_keys_are_unique_and_random_hex() -> None:
    keys = [_request._idempotency_key() for _ in range(5 * _request._KEYS_AT_ONCE + 3)]  # pyright: ignore[reportPrivateUsage]
    assert len(set(keys)) == len(keys)
    for key in keys:
        prefix, _, hexpart = key.rpartition("-")
        assert prefix == "trio-openai-retry" and len(hexpart) == 32
        int(hexpart, 16)


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="needs a plain fork")
def test_a_forked_child_does_not_reuse_the_parents_keys() -> None:
    _request._idempotency_key()  # pyright: ignore[reportPrivateUsage]  # a batch is now held
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: send one key and leave at once
        try:
            os.write(write, _request._idempotency_key().encode())  # pyright: ignore[reportPrivateUsage]
        finally:
            os._exit(0)
    os.close(write)
    child_key = os.read(read, 200).decode()
    os.close(read)
    os.waitpid(pid, 0)
    parent_key = _request._idempotency_key()  # pyright: ignore[reportPrivateUsage]  # next of the batch
    assert child_key.startswith("trio-openai-retry-")
    assert child_key != parent_key


async def test_cached_urls_and_headers_do_not_leak_between_calls() -> None:
    seen: list[MockRequest] = []

    def handler(request: MockRequest) -> MockResponse:
        seen.append(request)
        return MockResponse(json=MODEL)

    client, _ = make_client(handler, max_retries=0)
    with trio.fail_after(10):
        async with client:
            await client.models.retrieve("m")
            await client.models.retrieve("m", extra_query={"x": "1"}, extra_headers={"X-One": "1"})
            await client.models.retrieve("m")
            opts: Any = {"timeout": 3.0}
            await client.models.retrieve("m", **opts)
            await client.with_options(default_query={"q": "2"}).models.retrieve("m")
    urls = [r.url for r in seen]
    assert urls == [
        "http://api.test/v1/models/m",
        "http://api.test/v1/models/m?x=1",
        "http://api.test/v1/models/m",
        "http://api.test/v1/models/m",
        "http://api.test/v1/models/m?q=2",
    ]
    assert [r.headers.get("x-one") for r in seen] == [None, "1", None, None, None]
    for request in seen:  # every request its own headers: one Authorization, one retry count
        assert request.headers.get_list("authorization") == ["Bearer sk-test-key"]
        assert request.headers.get_list("x-stainless-retry-count") == ["0"]


@pytest.mark.parametrize(
    "value", ["plain", "file-abc_1.2~x", "a b", "x/y", "c&d=e", "é", "", "[]", "100", "%41", "+", "a\u2028b"]
)
@pytest.mark.parametrize("key", ["after", "a b", "t[x]", "é"])
def test_query_fast_path_quotes_as_the_general_one(key: str, value: str) -> None:
    from urllib.parse import quote

    from trio_openai._core._request import encode_query

    expected = f"{quote(key, safe='[]')}={quote(value, safe='')}"
    assert encode_query({key: value}) == expected
    assert encode_query({key: 7}) == f"{quote(key, safe='[]')}=7"
    assert encode_query({key: True, "n": None}) == f"{quote(key, safe='[]')}=true"
