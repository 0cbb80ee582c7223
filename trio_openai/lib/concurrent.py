"""Many API calls or listings at once, with a concurrency limit, bounded memory and a shared rate
limit gate.

    from trio_openai.lib.concurrent import gather, open_map

    batches = await gather(client.batches.retrieve, batch_ids, limit=32)

    async def files_of(store_id: str) -> list[VectorStoreFile]:
        return await client.vector_stores.files.list(store_id, limit=100).collect()

    async with open_map(files_of, store_ids, limit=16) as results:
        async for result in results:          # as they finish; ordered=True for input order
            print(result.input, len(result.value))
"""

from .._core._rategate import RateLimitGate as RateLimitGate
from .._core._rategate import RateLimitGateStatistics as RateLimitGateStatistics
from ._fanout import ErrorPolicy as ErrorPolicy
from ._fanout import Result as Result
from ._fanout import Results as Results
from ._fanout import gather as gather
from ._fanout import open_map as open_map

__all__ = [
    "ErrorPolicy",
    "RateLimitGate",
    "RateLimitGateStatistics",
    "Result",
    "Results",
    "gather",
    "open_map",
]
