"""The official SDK's `openai.AsyncOpenAI` on its aiohttp backend (`DefaultAioHttpClient`, the
`openai[aiohttp]` extra); asyncio only."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import openai

from ._contract import API_KEY
from ._sdk_async import SdkAsyncAdapter


@contextlib.asynccontextmanager
async def open_adapter(base_url: str) -> AsyncIterator[SdkAsyncAdapter]:
    async with openai.AsyncOpenAI(
        base_url=base_url, api_key=API_KEY, http_client=openai.DefaultAioHttpClient()
    ) as client:
        yield SdkAsyncAdapter(client)
