"""Memory held by 1,000 chat completions from the client, against the same Structs decoded plainly.

    .venv/bin/python benchmarks/memory_held.py [count]

Three ways to hold ``count`` results of the same ~1 KB body (``tracemalloc``: bytes still allocated
while the list is alive, measured after a warm-up so caches and decoders built on first use are not
counted):

* ``plain``: ``msgspec.json.decode(body, type=ChatCompletion)``: trio_openai's own types, no client;
* ``floor``: the benchmark floor's minimal Structs (no ``dict=True``, fewer fields);
* ``client``: ``client.chat.completions.create`` over an in-memory transport (what a caller holds,
  request id and unknown-field bookkeeping included).

The ratio client / plain is issue 14's target (within 1.3x).
"""

from __future__ import annotations

import gc
import random
import sys
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE))
sys.path.insert(0, str(_HERE.parent))

import msgspec  # noqa: E402
import trio  # noqa: E402
from adapters._contract import CHAT_MODEL, MESSAGES  # noqa: E402
from adapters.floor import _ChatCompletion  # noqa: E402
from gen_data import _chat_completion, _dumps  # noqa: E402
from layers_micro import CHAT, canned_client  # noqa: E402

from trio_openai.types.chat import ChatCompletion  # noqa: E402

# A distinct body per result (as a real run has), so no two results share their strings.
_RNG = random.Random(7)


def _bodies(count: int) -> list[bytes]:
    return [_dumps(_chat_completion(_RNG)) for _ in range(count)]


async def _held(make: Callable[[bytes], Awaitable[Any]], bodies: list[bytes]) -> int:
    for body in bodies[:20]:  # warm-up: decoders, caches, first-results bookkeeping
        await make(body)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    held = [await make(body) for body in bodies]
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(held) == len(bodies)
    return after - before - sys.getsizeof(held)


async def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    bodies = _bodies(count + 20)
    plain_dec = msgspec.json.Decoder(ChatCompletion)
    floor_dec = msgspec.json.Decoder(_ChatCompletion)

    async def plain(body: bytes) -> Any:
        return plain_dec.decode(body)

    async def floor(body: bytes) -> Any:
        return floor_dec.decode(body)

    client, transport = canned_client(CHAT)

    async def via_client(body: bytes) -> Any:
        transport.body = body
        return await client.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES)

    sizes = {
        "plain": await _held(plain, bodies),
        "floor": await _held(floor, bodies),
        "client": await _held(via_client, bodies),
    }
    for name, size in sizes.items():
        print(f"{name:7} {size / count:8.0f} bytes per result  {size / sizes['plain']:.3f}x plain")


if __name__ == "__main__":
    trio.run(main)
