"""Hand-written helpers of the generated resources (``parse``, ``stream``, the pollers ...) load with their
first use, not with the resource: a program sending plain requests never imports ``lib/``'s structured
outputs or stream state machines."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap

import pytest

from trio_openai import AsyncOpenAI, OpenAI
from trio_openai._core._lazy_helper import LazyHelper


def test_a_lazy_helper_builds_once_and_then_is_the_helper() -> None:
    built: list[int] = []

    def build() -> object:
        built.append(1)

        def helper(self: object, x: int) -> tuple[object, int]:
            return self, x

        return helper

    class Resource:
        method = LazyHelper(build)

    assert "not loaded yet" in repr(vars(Resource)["method"])
    r = Resource()
    assert r.method(3) == (r, 3)  # bound like a plain method
    assert r.method(4) == (r, 4)
    assert built == [1]
    assert not isinstance(vars(Resource)["method"], LazyHelper)  # replaced itself on the class
    assert Resource.method(r, 5) == (r, 5)


def test_a_class_lookup_loads_it_too() -> None:
    class Resource:
        value = LazyHelper(lambda: 42)  # not a descriptor: given as it is

    assert Resource.value == 42
    assert vars(Resource)["value"] == 42


_SCRIPT = textwrap.dedent(
    """
    import sys
    import trio_openai
    client = trio_openai.AsyncOpenAI(api_key="sk-x")
    completions = client.chat.completions
    assert completions.create is not None
    assert "trio_openai.lib._parsing._chat" not in sys.modules, "structured outputs loaded with the resource"
    assert "trio_openai.lib.streaming.chat" not in sys.modules, "the chat stream loaded with the resource"
    assert "trio_openai.lib.streaming._chat_sync" not in sys.modules
    completions.parse  # first use
    assert "trio_openai.lib._parsing._chat" in sys.modules
    completions.with_raw_response.parse
    trio_openai.OpenAI(api_key="sk-x").chat.completions.stream
    assert "trio_openai.lib.streaming._chat_sync" in sys.modules
    print("ok")
    """
)


def test_helpers_load_with_their_first_use() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.parametrize("client_class", [AsyncOpenAI, OpenAI])
def test_helpers_keep_their_signatures(client_class: type[AsyncOpenAI] | type[OpenAI]) -> None:
    from trio_openai.lib._parsing._chat import chat_completions_parse

    client = client_class(api_key="sk-x")
    try:
        expected = list(inspect.signature(chat_completions_parse).parameters)[1:]  # without self
        for helper in (client.chat.completions.parse, client.chat.completions.with_raw_response.parse):
            assert list(inspect.signature(helper).parameters) == expected
        assert "messages" in inspect.signature(client.chat.completions.stream).parameters
    finally:
        if isinstance(client, OpenAI):
            client.close()
