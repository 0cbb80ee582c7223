"""What the generator wires in besides one method per operation: the blocking twins of every resource,
the hand-written attachments, computed properties and the import cost."""

from __future__ import annotations

import inspect
import subprocess
import sys
from typing import Any

import msgspec

from tests._spec_values import spec_plan
from tools.codegen._handwritten import HELPERS, ROOT_RESOURCES
from trio_openai import AsyncOpenAI, OpenAI
from trio_openai._blocking._bridge import SyncAPIResource
from trio_openai._core._decoding import decode_json
from trio_openai.lib.streaming.chat import chat_completion_stream
from trio_openai.lib.streaming.responses import response_stream_method
from trio_openai.resources._tree import AsyncResourceTree, ResourceTree
from trio_openai.types import Response

PLAN = spec_plan()


def _node(root: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        root = getattr(root, part)
    return root


def test_every_async_method_has_a_blocking_twin() -> None:
    with OpenAI(api_key="sk", base_url="http://api.test/v1") as client:
        async_client = client._async
        for m in PLAN.methods:
            async_res = _node(async_client, m.place.resource)
            sync_res = _node(client, m.place.resource)
            assert isinstance(sync_res, SyncAPIResource), m.place.dotted
            assert sync_res._async is async_res  # pyright: ignore[reportUnknownMemberType]
            method = getattr(sync_res, m.name)
            assert not inspect.iscoroutinefunction(method), m.place.dotted
            for wrapper in ("with_raw_response", "with_streaming_response"):
                assert callable(getattr(_node(sync_res, (wrapper,)), m.name)), (m.place.dotted, wrapper)
    top = {name for name in dir(AsyncResourceTree) if not name.startswith("_")}
    assert top == {name for name in dir(ResourceTree) if not name.startswith("_")}
    assert top == {m.place.resource[0] for m in PLAN.methods} | {r.name for r in ROOT_RESOURCES}


def test_helper_attachments() -> None:
    client = AsyncOpenAI(api_key="sk", base_url="http://api.test/v1")
    assert type(client.chat.completions).stream is chat_completion_stream  # pyright: ignore[reportUnknownMemberType]
    assert type(client.responses).stream is response_stream_method  # pyright: ignore[reportUnknownMemberType]
    with OpenAI(api_key="sk", base_url="http://api.test/v1") as sync_client:
        for path, attachments in HELPERS.items():
            for attachment in attachments:
                getattr(_node(client, path), attachment.attribute)  # loaded: the class now holds the helper
                if isinstance(inspect.getattr_static(_node(client, path), attachment.attribute), property):
                    continue  # an attribute (beta.chat), not a method
                assert callable(getattr(_node(client, path), attachment.attribute))
                blocking = getattr(_node(sync_client, path), attachment.attribute)
                assert callable(blocking)
                assert not inspect.iscoroutinefunction(blocking), (path, attachment.attribute)


def test_response_output_text_is_computed() -> None:
    raw = {
        "id": "resp_1",
        "object": "response",
        "output_text": "what a server might (wrongly) send",
        "output": [
            {"type": "reasoning", "id": "r", "summary": []},
            {
                "type": "message",
                "id": "m",
                "role": "assistant",
                "status": "completed",
                "content": [
                    {"type": "output_text", "text": "Hello, ", "annotations": []},
                    {"type": "refusal", "refusal": "no"},
                    {"type": "output_text", "text": "world", "annotations": []},
                ],
            },
        ],
    }
    response: Response = decode_json(msgspec.json.encode(raw), Response)
    assert response.output_text == "Hello, world"
    assert "output_text" not in response.to_dict()


def test_import_stays_lazy() -> None:
    code = (
        "import sys, trio_openai\n"
        "loaded = [m for m in sys.modules if m.startswith(('trio_openai.resources.', 'trio_openai.types.'))]\n"
        "print(len(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    # the resource tree module and the hand-written type bases only; no generated resource or type
    assert int(out.stdout) <= 4, out.stdout
