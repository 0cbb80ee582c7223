"""trio_openai's `AsyncOpenAI` under trio (default settings)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import trio_openai

from ._contract import API_KEY, PAGE_LIMIT, AsyncWork
from ._sdk_async import SdkAsyncAdapter


class TrioOpenAIAdapter(SdkAsyncAdapter):
    """The shared SDK code, except that a listing with caller work per page fetches one page ahead
    (``open_items(prefetch=1)``: the next page is on its way while the caller works on this one)."""

    async def files(self, work: AsyncWork | None) -> int:
        if work is None:
            return await super().files(work)
        count = 0
        async with self._client.files.list(limit=PAGE_LIMIT).open_items(prefetch=1) as items:
            async for item in items:
                count += bool(item.id)
                if count % PAGE_LIMIT == 0:
                    await work()
        return count


@contextlib.asynccontextmanager
async def open_adapter(base_url: str) -> AsyncIterator[SdkAsyncAdapter]:
    async with trio_openai.AsyncOpenAI(base_url=base_url, api_key=API_KEY) as client:
        yield TrioOpenAIAdapter(client)
