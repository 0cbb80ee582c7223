"""Every operation overloaded on ``stream``: ``stream=True`` gives an ``AsyncStream`` of the spec's events.

Two sources of events:

* Steady streams the operations whose spec declares ``text/event-stream`` (asked with ``Accept:
  text/event-stream``): every event it sends must decode to a known variant.
* For every streaming operation, one event per variant of its event type, made from the spec (the
  required fields of each variant), sent by a ``MockTransport`` in the wire format the API uses
  (Assistants' ``thread.*`` events carry their kind in the SSE event name): each must decode to that
  variant, never to ``UnknownVariant``. This is what exercises the generated tagged-union markers as
  stream item types, nested unions included.
"""

from __future__ import annotations

import sys
from typing import Any

import msgspec
import pytest
import trio

from tests._helpers import warns_if_deprecated
from tests._spec_values import call_arguments, example, spec_plan
from tests._steady import SSE_ACCEPT
from tools.codegen._resources import Method
from tools.codegen._schema import non_null_variants, single_allof
from tools.codegen._spec import Schema, Spec
from trio_openai import APIError, AsyncOpenAI, AsyncStream
from trio_openai.testing import MockRequest, MockResponse, MockTransport
from trio_openai.types import UnknownVariant

PLAN = spec_plan()
STREAMING: dict[str, Method] = {m.place.dotted: m for m in PLAN.methods if m.overloaded}
#: The operations Steady can stream (their spec declares the event stream).
STEADY_STREAMS = sorted(d for d, m in STREAMING.items() if m.op.stream_event is not None)
EVENT_COUNTS: dict[str, int] = {}

_TAGS = ("type", "event", "object")


def test_the_streaming_table_is_covered() -> None:
    from trio_openai.resources._streaming_ops import STREAMING_OPERATIONS

    assert set(STREAMING) <= set(STREAMING_OPERATIONS)
    # `audio.speech.create` streams with stream_format="sse" but returns audio bytes, as officially
    # ... and the supplement's SSE-only operations always stream (no flag): covered in test_conformance
    always = {m.place.dotted for m in PLAN.methods if m.always_streams}
    assert always == {"beta.agents.sessions.events.stream"}
    assert set(STREAMING_OPERATIONS) - set(STREAMING) == {"audio.speech.create", *always}
    assert len(STREAMING) == 13  # with the supplement's beta.agents.sessions.create


def _resource(client: AsyncOpenAI, method: Method) -> Any:
    node: Any = client
    for part in method.place.resource:
        node = getattr(node, part)
    return node


def _leaves(spec: Spec, schema: Any) -> list[Schema]:
    """The concrete object variants of an event type (unions flattened, nested ones too)."""
    s = spec.resolve(schema)
    inner = single_allof(s)
    if inner is not None:
        return _leaves(spec, inner)
    variants = non_null_variants(s)
    if variants and not s.get("properties"):
        return [leaf for v in variants for leaf in _leaves(spec, v)]
    return [s]


def _tag(value: Any) -> tuple[str, object] | None:
    data = msgspec.to_builtins(value) if isinstance(value, msgspec.Struct) else value
    if isinstance(data, dict):
        for key in _TAGS:
            if key in data:
                return key, data[key]
    return None


def _frame(payload: Any) -> bytes:
    """An SSE frame as the API sends it: Assistants' events are named, with the object as data."""
    if isinstance(payload, dict) and isinstance(payload.get("event"), str) and "data" in payload:
        name: str = payload["event"]
        return b"event: " + name.encode() + b"\ndata: " + msgspec.json.encode(payload["data"]) + b"\n\n"
    return b"data: " + msgspec.json.encode(payload) + b"\n\n"


def _variant_payloads(method: Method) -> list[Any]:
    spec = PLAN.spec
    assert method.stream_event is not None
    schema = PLAN.models.stems.get(method.stream_event, method.stream_event)  # official name -> spec's
    assert schema in spec.schemas
    payloads = [example(spec, leaf) for leaf in _leaves(spec, {"$ref": f"#/components/schemas/{schema}"})]
    # `event: done` ends the stream and `event: error` raises: both have their own tests below
    return [p for p in payloads if not (isinstance(p, dict) and p.get("event") in ("done", "error"))]


def _stream_kwargs(method: Method) -> tuple[list[object], dict[str, object]]:
    args, kwargs = call_arguments(PLAN.spec, method)
    assert method.stream_arg is not None
    kwargs[method.stream_arg.ident] = True
    return args, kwargs


@pytest.mark.parametrize("dotted", STEADY_STREAMS)
async def test_stream_from_steady(steady_url: str, dotted: str) -> None:
    method = STREAMING[dotted]
    args, kwargs = _stream_kwargs(method)
    async with AsyncOpenAI(
        api_key="sk-conformance", admin_api_key="sk-admin-conformance", base_url=steady_url, max_retries=0
    ) as client:
        with trio.fail_after(15):
            create = getattr(_resource(client, method), method.name)
            with warns_if_deprecated(create):
                stream = await create(*args, **kwargs, extra_headers=SSE_ACCEPT)
            assert isinstance(stream, AsyncStream)
            async with stream:
                events = [event async for event in stream]
    assert events, f"Steady sent no events for {dotted}"
    unknown = [e for e in events if isinstance(e, UnknownVariant)]
    assert not unknown, f"{dotted}: events decoded as unknown: {unknown[:3]}"
    assert stream.closed
    EVENT_COUNTS[dotted] = len(events)


@pytest.mark.parametrize("dotted", sorted(STREAMING))
async def test_every_event_variant_decodes(dotted: str) -> None:
    method = STREAMING[dotted]
    payloads = _variant_payloads(method)
    assert payloads
    body = b"".join(_frame(p) for p in payloads) + b"data: [DONE]\n\n"
    seen: list[MockRequest] = []

    def handler(request: MockRequest) -> MockResponse:
        seen.append(request)
        return MockResponse(stream=[body], headers={"content-type": "text/event-stream"})

    args, kwargs = _stream_kwargs(method)
    transport = MockTransport(handler)
    async with AsyncOpenAI(api_key="sk", base_url="http://api.test/v1", transport=transport) as client:
        with trio.fail_after(10):
            create = getattr(_resource(client, method), method.name)
            with warns_if_deprecated(create):
                stream = await create(*args, **kwargs)
            async with stream:
                events = [event async for event in stream]
    assert stream.done
    assert len(events) == len(payloads)
    for payload, event in zip(payloads, events, strict=True):
        assert not isinstance(event, UnknownVariant), f"{dotted}: {_tag(payload)} decoded as unknown"
        assert _tag(event) == _tag(payload)
    # the flag went where the spec puts it: the JSON body, the form, or the query of a GET
    request = seen[0]
    if method.op.method == "get":
        assert "stream=true" in request.url
    elif method.op.multipart:
        assert b'name="stream"\r\n\r\ntrue' in request.content
    else:
        assert msgspec.json.decode(request.content)["stream"] is True


async def test_assistant_stream_ends_at_done_and_raises_on_error() -> None:
    method = STREAMING["beta.threads.runs.create"]
    args, kwargs = _stream_kwargs(method)
    run = msgspec.json.encode(example(PLAN.spec, {"$ref": "#/components/schemas/RunObject"}))
    frames = {
        "done": b"event: thread.run.created\ndata: " + run + b"\n\nevent: done\ndata: [DONE]\n\n",
        "error": b"event: thread.run.created\ndata: "
        + run
        + b'\n\nevent: error\ndata: {"message": "boom"}\n\n',
    }
    for kind, body in frames.items():
        transport = MockTransport(
            lambda _r, body=body: MockResponse(stream=[body], headers={"content-type": "text/event-stream"})
        )
        async with AsyncOpenAI(api_key="sk", base_url="http://api.test/v1", transport=transport) as client:
            with trio.fail_after(10):
                with pytest.warns(DeprecationWarning, match="Assistants API"):
                    stream = await client.beta.threads.runs.create(*args, **kwargs)
                events: list[Any] = []
                if kind == "done":
                    async with stream:
                        events = [event async for event in stream]
                    assert stream.done
                    assert [type(e).__name__ for e in events] == ["RunStreamEventThreadRunCreated"]
                else:
                    with pytest.raises(APIError, match="boom"):
                        async with stream:
                            events = [event async for event in stream]


async def test_stream_false_and_omitted_give_the_result() -> None:
    def handler(request: MockRequest) -> MockResponse:
        body = msgspec.json.decode(request.content)
        return MockResponse(
            json={
                "id": "c",
                "object": "text_completion",
                "created": 1,
                "model": "m",
                "choices": [],
                "echo": body,
            }
        )

    transport = MockTransport(handler)
    async with AsyncOpenAI(api_key="sk", base_url="http://api.test/v1", transport=transport) as client:
        with trio.fail_after(10):
            omitted = await client.completions.create(model="m", prompt="p")
            explicit = await client.completions.create(model="m", prompt="p", stream=False)
    assert omitted.id == explicit.id == "c"
    assert "stream" not in msgspec.json.decode(transport.requests[0].content)
    assert msgspec.json.decode(transport.requests[1].content)["stream"] is False


def test_zz_streaming_summary() -> None:
    sys.stderr.write(
        f"streaming conformance: {len(EVENT_COUNTS)}/{len(STEADY_STREAMS)} operations streamed from Steady, "
        f"{sum(EVENT_COUNTS.values())} events, none unknown\n"
    )
