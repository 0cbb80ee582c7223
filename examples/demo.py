"""trio_openai end to end, offline: a real client against the built-in fake OpenAI server.

Run it with ``.venv/bin/python examples/demo.py``. Every step prints what it did.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import msgspec
import trio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trio_openai
from trio_openai import AsyncOpenAI
from trio_openai.testing import Reply, open_fake_server


class Stop(msgspec.Struct):
    city: str
    nights: int


class TripPlan(msgspec.Struct):
    """A short trip: where to go and for how long."""

    title: str
    stops: list[Stop]
    budget_eur: float | None


def step(title: str) -> None:
    print(f"\n== {title}")


async def main() -> None:
    async with open_fake_server(files=250) as server:
        print(f"fake OpenAI server listening at {server.base_url}")
        async with AsyncOpenAI(api_key="sk-demo", base_url=server.base_url) as client:
            step("models: list, retrieve")
            page = await client.models.list()
            print(f"{len(page.data)} models, first: {page.data[0].id}")
            model = await client.models.retrieve(page.data[0].id)
            print(f"retrieved {model.id!r} owned by {model.owned_by!r} (request id {model._request_id})")

            step("chat.completions.create")
            completion = await client.chat.completions.create(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": "Hello from trio"}],
            )
            usage = completion.usage
            print(f"assistant says: {completion.choices[0].message.content!r}")
            if usage is not None:
                print(f"usage: {usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens")

            step("with_raw_response: headers, request id, rate limits")
            raw = await client.chat.completions.with_raw_response.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": "raw please"}]
            )
            limits = raw.rate_limits
            print(
                f"HTTP {raw.status_code}, request id {raw.request_id}, {limits.remaining_requests}/"
                f"{limits.limit_requests} requests left, resets in {limits.reset_requests} s"
            )

            step("retries: the server answers 503 twice, then succeeds")
            server.script(
                "GET",
                "/models/gpt-4o-mini",
                Reply.error(503, "overloaded", type="server_error"),
                Reply.error(503, "overloaded", type="server_error"),
            )
            started = time.perf_counter()
            raw_model = await client.models.with_raw_response.retrieve("gpt-4o-mini")
            print(
                f"succeeded after {raw_model.retries_taken} retries in "
                f"{time.perf_counter() - started:.2f} s (exponential backoff with jitter)"
            )

            step("typed errors")
            try:
                await client.models.retrieve("no-such-model")
            except trio_openai.NotFoundError as exc:
                print(f"{type(exc).__name__}: status {exc.status_code}, code {exc.code!r}: {exc.message}")

            step("cancellation: move_on_after around a slow call, then the client carries on")
            server.script("GET", "/models/gpt-4o-mini", Reply(json={}, delay=30))
            with trio.move_on_after(0.2) as scope:
                await client.models.retrieve("gpt-4o-mini")
            print(f"slow call cancelled: {scope.cancelled_caught}")
            again = await client.models.retrieve("gpt-4o-mini")
            pool = client.statistics().pool
            print(f"next call fine: {again.id}; pool: {pool}")

            step("concurrency: 50 chat completions at once over a pool of 10 connections")
            results: list[str] = []
            opened_before = server.stats.connections_opened
            limited = AsyncOpenAI(api_key="sk-demo", base_url=server.base_url, max_connections=10)

            async def ask(i: int) -> None:
                c = await limited.chat.completions.create(
                    model="gpt-4o-mini", messages=[{"role": "user", "content": f"question {i}"}]
                )
                results.append(c.choices[0].message.content or "")

            started = time.perf_counter()
            async with limited, trio.open_nursery() as nursery:
                for i in range(50):
                    nursery.start_soon(ask, i)
            print(
                f"{len(results)} answers in {time.perf_counter() - started:.3f} s over "
                f"{server.stats.connections_opened - opened_before} connections"
            )

            step("streaming: chat.completions.create(stream=True)")
            stream = await client.chat.completions.create(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": "stream a greeting to me please"}],
                stream=True,
            )
            pieces: list[str] = []
            async with stream:
                async for chunk in stream:
                    if chunk.choices and chunk.choices[0].delta.content:
                        pieces.append(chunk.choices[0].delta.content)
            print(f"{len(pieces)} content chunks: {''.join(pieces)!r}")

            step("streaming helper: chat.completions.stream accumulates the final completion")
            async with client.chat.completions.stream(
                model="gpt-4o-mini", messages=[{"role": "user", "content": "one more time"}]
            ) as events:
                kinds: dict[str, int] = {}
                async for event in events:
                    kinds[event.type] = kinds.get(event.type, 0) + 1
                final = await events.get_final_completion()
            print(f"events: {kinds}")
            print(f"final message: {final.choices[0].message.content!r}")

            step("structured outputs: chat.completions.parse into a msgspec Struct")
            completion = await client.chat.completions.parse(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": "Plan a trip to Lisbon"}],
                response_format=TripPlan,
            )
            plan = completion.choices[0].message.parsed
            print(f"parsed: {plan!r}")

            step("structured outputs, streamed: partial values while the JSON arrives")
            async with client.chat.completions.stream(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": "Plan a trip to Porto"}],
                response_format=TripPlan,
                extra_headers={"X-Fake-Chunks": "6"},
            ) as stream:
                async for event in stream:
                    if event.type == "content.delta" and event.delta:
                        print(f"  partial: {event.parsed}")
                final_plan = (await stream.get_final_completion()).choices[0].message.parsed
            print(f"final: {final_plan!r}")

            step("cancelling a stream half-way: the connection is closed, the pool stays healthy")
            with trio.move_on_after(0.05):
                slow = await client.chat.completions.create(
                    model="gpt-4o-mini",
                    messages=[{"role": "user", "content": "a long story"}],
                    stream=True,
                    extra_headers={"X-Fake-Chunks": "200", "X-Fake-Chunk-Delay-Ms": "5"},
                )
                async with slow:
                    async for _chunk in slow:
                        pass
            print(f"pool after the cancel: {client.statistics().pool}")

            step("pagination: every file across pages, the next page fetched while we work")
            seen = 0
            started = time.perf_counter()
            async with client.files.list(limit=50).open_items(prefetch=1) as items:
                async for f in items:
                    seen += bool(f.id)
                    if seen % 50 == 0:
                        await trio.sleep(0.01)  # pretend to work on each page
            print(f"{seen} files in {time.perf_counter() - started:.2f} s")

            step("many calls at once: 300 batches retrieved, at most 16 in flight")
            from trio_openai.lib.concurrent import gather

            started = time.perf_counter()
            batches = await gather(client.batches.retrieve, [f"batch_{i:04d}" for i in range(300)], limit=16)
            print(f"{len(batches)} batches in {time.perf_counter() - started:.2f} s, first: {batches[0].id}")

            step("embeddings: asked as base64 on the wire, handed back as floats")
            emb = await client.embeddings.create(model="text-embedding-3-small", input=["hello", "world"])
            vector = emb.data[0].embedding
            print(f"{len(emb.data)} vectors of {len(vector)} floats; first values {list(vector[:3])}")

        print(f"\nclient closed: {client.is_closed()}; server served {server.stats.requests_served} requests")


def blocking_part() -> None:
    """The same client, blocking: trio runs in a background portal thread."""
    from trio_openai import OpenAI
    from trio_openai.testing import FakeServerThread

    step("the blocking client (trio_openai.OpenAI) from plain synchronous code")
    with FakeServerThread(files=120) as server, OpenAI(api_key="sk-demo", base_url=server.base_url) as client:
        completion = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hello from a thread"}]
        )
        print(f"assistant says: {completion.choices[0].message.content!r}")
        files = sum(1 for _ in client.files.list(limit=50))
        print(f"{files} files over 3 pages with a plain for loop")
        with client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "stream it"}], stream=True
        ) as stream:
            text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        print(f"streamed: {text!r}")


if __name__ == "__main__":
    trio.run(main)
    blocking_part()
