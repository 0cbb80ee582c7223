"""The blocking client against Steady: a spread of operations (every resource depth, lists, binary
bodies, multipart uploads, raw and streamed responses, event streams), each through ``OpenAI``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec
import pytest

from tests._helpers import warns_if_deprecated
from tests._spec_values import call_arguments, spec_plan
from tests._steady import SSE_ACCEPT
from tools.codegen._resources import Method
from trio_openai import APIResponse, BinaryContent, OpenAI, Stream, SyncBasePage
from trio_openai.types import UnknownVariant

PLAN = spec_plan()
METHODS: dict[str, Method] = {m.place.dotted: m for m in PLAN.methods}
_ALWAYS = {
    "models.list",
    "chat.completions.create",
    "responses.create",
    "files.create",
    "files.content",
    "beta.threads.runs.steps.list",
    "vector_stores.file_batches.list_files",
}
#: Every 9th operation in name order, and the ones above.
SAMPLE = sorted({d for i, d in enumerate(sorted(METHODS)) if i % 9 == 0} | _ALWAYS)


@pytest.fixture(scope="module")
def client(steady_url: str) -> Iterator[OpenAI]:
    with OpenAI(
        api_key="sk-conformance",
        admin_api_key="sk-admin-conformance",
        base_url=steady_url,
        max_retries=0,
        timeout=15,
    ) as c:
        yield c


def _resource(client: OpenAI, method: Method) -> Any:
    node: Any = client
    for part in method.place.resource:
        node = getattr(node, part)
    return node


@pytest.mark.parametrize("dotted", SAMPLE)
def test_sync_operation(client: OpenAI, dotted: str) -> None:
    method = METHODS[dotted]
    args, kwargs = call_arguments(PLAN.spec, method)
    resource = _resource(client, method)
    with warns_if_deprecated(getattr(resource, method.name)):
        result = getattr(resource, method.name)(*args, **kwargs)
    if method.page is not None:
        assert isinstance(result, SyncBasePage)
        # Steady's pages always say there is more: only the first page's items
        assert isinstance(result.data, list)
        assert [item for _, item in zip(range(len(result.data)), result, strict=False)] == result.data
    elif method.cast_to == "BinaryContent":
        assert isinstance(result, BinaryContent)
    elif method.cast_to == "None":
        assert result is None
    else:
        assert not isinstance(result, UnknownVariant)
    with warns_if_deprecated(getattr(resource, method.name)):
        raw = getattr(resource.with_raw_response, method.name)(*args, **kwargs)
    assert isinstance(raw, APIResponse) and raw.status_code < 300
    with (
        warns_if_deprecated(getattr(resource, method.name)),
        getattr(resource.with_streaming_response, method.name)(*args, **kwargs) as response,
    ):
        body = response.read()
    if method.cast_to not in ("BinaryContent", "None") and body:
        msgspec.json.decode(body)


@pytest.mark.parametrize("dotted", ["chat.completions.create", "responses.create", "images.generate"])
def test_sync_event_stream(client: OpenAI, dotted: str) -> None:
    method = METHODS[dotted]
    args, kwargs = call_arguments(PLAN.spec, method)
    stream = getattr(_resource(client, method), method.name)(
        *args, **kwargs, stream=True, extra_headers=SSE_ACCEPT
    )
    assert isinstance(stream, Stream)
    with stream:
        events = list(stream)
    assert events and not any(isinstance(e, UnknownVariant) for e in events)
