"""The module-level client (``trio_openai.api_key = ...; trio_openai.chat.completions.create(...)``),
each case in a fresh interpreter (the module's settings are process-wide), against a fake server
thread, under `trio.fail_after`."""

from __future__ import annotations

import os
import sys
import textwrap

import trio

SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    t0 = time.perf_counter()
    import trio_openai
    from trio_openai.testing import FakeServerThread

    assert "trio_openai._module_client" not in sys.modules  # nothing built at import
    with FakeServerThread() as server:
        trio_openai.base_url = server.base_url
        trio_openai.api_key = "sk-module"
        trio_openai.max_retries = 0
        done = trio_openai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        assert type(done).__name__ == "ChatCompletion", done
        first = trio_openai._module_client.load_client()
        assert first.api_key == "sk-module"
        assert trio_openai._module_client.load_client() is first  # built once
        trio_openai.api_key = "sk-other"
        again = trio_openai.models.list()
        second = trio_openai._module_client.load_client()
        assert second is not first and first.is_closed() and second.api_key == "sk-other"
        assert list(again.data) is not None
        try:
            trio_openai.chat.completions.create(model="m", messages=[], temprature=1)
        except TypeError as exc:
            assert "Completions.create() got an unexpected keyword argument 'temprature'" == str(exc), exc
        else:
            raise AssertionError("no TypeError")
    # from the environment when the attribute is None
    trio_openai.api_key = None
    assert trio_openai._module_client.load_client().api_key == os.environ["OPENAI_API_KEY"]
    print("ok")
    """
)


async def test_module_client_from_attributes_and_environment() -> None:
    env = {**os.environ, "OPENAI_API_KEY": "sk-from-env"}
    env.pop("OPENAI_BASE_URL", None)
    with trio.fail_after(60):
        done = await trio.run_process(
            [sys.executable, "-c", SCRIPT], env=env, capture_stdout=True, capture_stderr=True, check=False
        )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "ok"


def test_unknown_module_attribute_is_an_attribute_error() -> None:
    import pytest

    import trio_openai

    with pytest.raises(AttributeError, match="no_such_thing"):
        trio_openai.no_such_thing  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(trio_openai, "_private_name")
