"""The ``OpenAI-Beta`` header parameter has the official name ``betas`` (a list, sent comma-joined)."""

from __future__ import annotations

import functools
from typing import Any

import trio

from trio_openai import AsyncOpenAI, OpenAI
from trio_openai.testing import MockRequest, MockResponse, MockTransport


class Recorder:
    def __init__(self) -> None:
        self.headers: list[dict[str, str]] = []

    def __call__(self, request: MockRequest) -> MockResponse:
        self.headers.append({k.lower(): v for k, v in request.headers.items()})
        return MockResponse(json={"id": "resp_1", "object": "response.deleted", "deleted": True})


async def _call_async(client: AsyncOpenAI) -> None:
    try:
        await client.beta.responses.retrieve("resp_1", betas=["responses_multi_agent=v1"])
    except TypeError:
        raise
    except Exception:  # the stand-in body need not decode: the request is what is checked
        pass


async def test_betas_on_both_clients() -> None:
    rec = Recorder()
    kw: dict[str, Any] = {"api_key": "sk-test", "base_url": "http://api.test/v1", "max_retries": 0}
    with trio.fail_after(10):
        async with AsyncOpenAI(transport=MockTransport(rec), **kw) as client:
            await _call_async(client)
        sync = OpenAI(transport=MockTransport(rec), **kw)

        def run() -> None:
            try:
                sync.beta.responses.retrieve("resp_1", betas=["responses_multi_agent=v1"])
            except TypeError:
                raise
            except Exception:
                pass
            sync.close()

        await trio.to_thread.run_sync(functools.partial(run), abandon_on_cancel=True)
    assert [h.get("openai-beta") for h in rec.headers] == ["responses_multi_agent=v1"] * 2
