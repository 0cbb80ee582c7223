"""Every generated operation against Steady, an OpenAPI mock server nobody here wrote.

Steady (npm ``@stdy/cli``, started by tests/_steady.py) validates each request against the spec and answers with schema-shaped data.
Each operation is called with arguments made from the spec's required fields; a 400 from Steady means
the request breaks the spec, a decoding error means the types do not match what the spec promises.
A second pass compares each decoded response with its raw JSON and counts the fields the types lack.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
import trio

from tests._helpers import warns_if_deprecated
from tests._spec_values import FILE, call_arguments, spec_plan
from tools.codegen._generate import Plan
from tools.codegen._resources import Method
from trio_openai import APIError, AsyncOpenAI, BadRequestError, BinaryContent
from trio_openai.types import UnknownVariant

PLAN: Plan = spec_plan()
METHODS: dict[str, Method] = {m.place.dotted: m for m in PLAN.methods}

#: Filled by the per-operation tests, reported by the summary test at the end of the module.
RESULTS: dict[str, str] = {}
HOLES: dict[str, int] = {}


@pytest.fixture
async def client(steady_url: str) -> AsyncIterator[AsyncOpenAI]:
    async with AsyncOpenAI(
        api_key="sk-conformance", admin_api_key="sk-admin-conformance", base_url=steady_url, max_retries=0
    ) as c:
        yield c


def _resource(client: AsyncOpenAI, method: Method) -> Any:
    node: Any = client
    for part in method.place.resource:
        node = getattr(node, part)
    return node


def count_holes(value: Any, raw: Any, where: str, out: dict[str, int]) -> None:
    """Record every key of ``raw`` that the decoded ``value`` has no field for."""
    if isinstance(value, UnknownVariant):
        out[f"{where}<unknown {value.type}>"] = out.get(f"{where}<unknown {value.type}>", 0) + 1
        return
    if isinstance(value, msgspec.Struct) and isinstance(raw, dict):
        names = dict(zip(value.__struct_encode_fields__, value.__struct_fields__, strict=True))
        for key, item in raw.items():
            attr = names.get(key)
            if attr is None:
                hole = f"{type(value).__name__}.{key}"
                out[hole] = out.get(hole, 0) + 1
            else:
                count_holes(getattr(value, attr), item, f"{type(value).__name__}.{key}", out)
    elif isinstance(value, list) and isinstance(raw, list):
        for v, r in zip(value, raw, strict=False):
            count_holes(v, r, where, out)
    elif isinstance(value, dict) and isinstance(raw, dict):
        for k, v in value.items():
            count_holes(v, raw.get(k), where, out)


@pytest.mark.parametrize("dotted", sorted(METHODS))
async def test_operation(client: AsyncOpenAI, dotted: str) -> None:
    method = METHODS[dotted]
    args, kwargs = call_arguments(PLAN.spec, method)
    call = getattr(_resource(client, method).with_raw_response, method.name)
    with trio.fail_after(15):
        try:
            with warns_if_deprecated(getattr(_resource(client, method), method.name)):
                raw = await call(*args, **kwargs)
        except BadRequestError as exc:
            RESULTS[dotted] = "rejected"
            pytest.fail(f"Steady rejected {dotted}({args}, {kwargs}): {exc.body}")
        try:
            parsed = raw.parse()
            if method.always_streams:  # an SSE-only operation (from the supplement): read the events
                stream = await parsed
                try:
                    async for _ in stream:
                        pass
                except APIError as exc:  # Steady's random events may carry an `error` key: raised, as due
                    assert exc.message
                finally:
                    await stream.close()
                RESULTS[dotted] = "ok"
                return
        except Exception:
            RESULTS[dotted] = "decode"
            raise
    RESULTS[dotted] = "ok"
    if method.cast_to == "BinaryContent":
        assert isinstance(parsed, BinaryContent)
    elif method.cast_to == "None":
        assert parsed is None
    else:
        body = raw.content
        if body:
            count_holes(parsed, msgspec.json.decode(body), "", HOLES)


# --- realistic calls per major area ------------------------------------------------------------------


async def test_chat_with_tools(client: AsyncOpenAI) -> None:
    with trio.fail_after(10):
        completion = await client.chat.completions.create(
            model="gpt-4o",
            messages=[
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": "Weather in Paris?"},
            ],
            tools=[
                {
                    "type": "function",
                    "function": {
                        "name": "get_weather",
                        "description": "Current weather",
                        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
                        "strict": True,
                    },
                }
            ],
            tool_choice="auto",
            temperature=0.2,
            max_completion_tokens=100,
        )
    assert completion.choices


async def test_responses_with_tools(client: AsyncOpenAI) -> None:
    with trio.fail_after(10):
        response = await client.responses.create(
            model="gpt-4.1",
            input=[{"role": "user", "content": [{"type": "input_text", "text": "Find the docs"}]}],
            tools=[
                {"type": "web_search"},
                {
                    "type": "function",
                    "name": "lookup",
                    "parameters": {"type": "object", "properties": {}},
                    "strict": False,
                },
            ],
            instructions="Be brief.",
        )
    assert response.id


async def test_embeddings(client: AsyncOpenAI) -> None:
    with trio.fail_after(10):
        result = await client.embeddings.create(
            model="text-embedding-3-small", input=["hello", "world"], encoding_format="float"
        )
    assert result.data


async def test_file_upload_and_batches(client: AsyncOpenAI) -> None:
    with trio.fail_after(10):
        uploaded = await client.files.create(
            file=("batch.jsonl", b'{"a": 1}\n', "application/jsonl"), purpose="batch"
        )
        batch = await client.batches.create(
            input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
        )
        listed = await client.batches.list(limit=5)
    assert batch.id and isinstance(listed.data, list)


async def test_vector_store_search(client: AsyncOpenAI) -> None:
    with trio.fail_after(10):
        store = await client.vector_stores.create(name="docs")
        page = await client.vector_stores.search(store.id, query="how do I reset?", max_num_results=3)
    assert isinstance(page.data, list)


async def test_fine_tuning_jobs(client: AsyncOpenAI) -> None:
    with trio.fail_after(10):
        job = await client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc123")
        events = await client.fine_tuning.jobs.list_events(job.id, limit=2)
    assert job.id and isinstance(events.data, list)


async def test_images(client: AsyncOpenAI) -> None:
    with trio.fail_after(10):
        generated = await client.images.generate(prompt="a red fox", model="gpt-image-1", size="1024x1024")
        edited = await client.images.edit(image=FILE, prompt="add a hat")
    assert generated.created and edited.created


async def test_audio(client: AsyncOpenAI) -> None:
    with trio.fail_after(10):
        speech = await client.audio.speech.create(model="gpt-4o-mini-tts", input="Hello", voice="alloy")
        transcript = await client.audio.transcriptions.create(
            file=("a.wav", b"RIFF", "audio/wav"), model="whisper-1"
        )
    assert isinstance(speech, BinaryContent)
    assert transcript is not None


async def test_steady_rejects_a_request_that_breaks_the_spec(client: AsyncOpenAI) -> None:
    """The validator is really on: without it, zero rejections above would prove nothing."""
    with trio.fail_after(10), pytest.raises(BadRequestError):
        await client.post("/chat/completions", cast_to=dict, body={"model": "gpt-4o"})


def test_zz_summary() -> None:
    """Runs last in this module: the totals over every operation."""
    rejected = sorted(k for k, v in RESULTS.items() if v == "rejected")
    failed = sorted(k for k, v in RESULTS.items() if v == "decode")
    holes = sum(HOLES.values())
    lines = [
        f"conformance: {len(RESULTS)}/{len(METHODS)} operations called, {len(rejected)} rejected by Steady, "
        f"{len(failed)} decode failures, {holes} unknown fields in {len(HOLES)} places",
        *(f"  hole {k} x{v}" for k, v in sorted(HOLES.items())),
    ]
    sys.stderr.write("\n".join(lines) + "\n")
    if len(RESULTS) == len(METHODS):
        assert not rejected and not failed
