"""The blocking client (trio_openai.OpenAI) against the fake server.

The fake server runs in the test's own trio loop; blocking calls are made from worker threads
(`blocking`) under `trio.fail_after`, so a bug fails a test instead of hanging it. Whatever needs
the main thread of a process (Ctrl-C, interpreter exit, fork) runs in a subprocess with its own
`FakeServerThread`, also under `trio.fail_after`.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import pytest
import trio

from tests._sync_example import ChatChunk, FileObject, async_demo, demo
from trio_openai import (
    APIConnectionError,
    APIResponse,
    APITimeoutError,
    AsyncOpenAI,
    BadRequestError,
    BlockingCallInTrioError,
    NotFoundError,
    OpenAI,
    OpenAIError,
    RateLimitError,
    Stream,
    SyncAPIResponse,
    SyncBasePage,
)
from trio_openai._core._portal import get_portal
from trio_openai.testing import FakeServer, Reply, open_fake_server

P = ParamSpec("P")
T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-test-sync"
HELLO = [{"role": "user", "content": "hello there"}]


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run the blocking `fn` in a worker thread, failing (not hanging) after 10 seconds."""
    with trio.fail_after(10):
        return await trio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), abandon_on_cancel=True)


@pytest.fixture
async def server() -> AsyncIterator[FakeServer]:
    async with open_fake_server() as fake:
        yield fake


@pytest.fixture
async def client(server: FakeServer) -> AsyncIterator[OpenAI]:
    sync_client = OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0)
    yield sync_client
    await blocking(sync_client.close)


def async_client(server: FakeServer, **kwargs: Any) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=server.base_url, api_key=KEY, max_retries=0, **kwargs)


# -- same results, same errors ---------------------------------------------------------------------------


async def test_same_structs_as_the_async_client(client: OpenAI, server: FakeServer) -> None:
    async with async_client(server) as aclient:
        with trio.fail_after(10):
            expected_model = await aclient.models.retrieve("gpt-4o")
            expected_models = await aclient.models.list()
            expected_chat = await aclient.chat.completions.create(model="gpt-4o", messages=HELLO, seed=1)
    model = await blocking(client.models.retrieve, "gpt-4o")
    models = await blocking(client.models.list)
    chat = await blocking(client.chat.completions.create, model="gpt-4o", messages=HELLO, seed=1)
    assert model == expected_model
    assert model._request_id is not None
    assert type(models) is SyncBasePage
    assert models.data == expected_models.data
    assert models.page == expected_models
    assert chat.choices == expected_chat.choices
    assert chat.choices[0].message.content == "Echo: hello there"
    assert chat.usage == expected_chat.usage


@pytest.mark.parametrize(
    ("status", "error"), [(400, BadRequestError), (404, NotFoundError), (429, RateLimitError)]
)
async def test_errors_are_the_async_clients_classes(
    client: OpenAI, server: FakeServer, status: int, error: type[Exception]
) -> None:
    server.script("GET", "/models/gpt-4o", Reply.error(status, "scripted"), Reply.error(status, "scripted"))
    async with async_client(server) as aclient:
        with trio.fail_after(10), pytest.raises(error) as async_info:
            await aclient.models.retrieve("gpt-4o")
    with pytest.raises(error) as sync_info:
        await blocking(client.models.retrieve, "gpt-4o")
    assert type(sync_info.value) is type(async_info.value)
    assert str(sync_info.value) == str(async_info.value)
    assert sync_info.value.__traceback__ is not None


async def test_timeouts_and_connection_errors_never_leak_cancelled(
    client: OpenAI, server: FakeServer
) -> None:
    server.script("GET", "/models/gpt-4o", Reply(json={}, delay=5))
    with pytest.raises(APITimeoutError):
        await blocking(client.with_options(timeout=0.2).models.retrieve, "gpt-4o")
    with trio.socket.socket() as sock:  # a port nobody listens on
        await sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    nowhere = OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=KEY, max_retries=0)
    with pytest.raises(APIConnectionError):
        await blocking(nowhere.models.retrieve, "gpt-4o")
    await blocking(nowhere.close)
    assert (await blocking(client.models.retrieve, "gpt-4o")).id == "gpt-4o"  # still healthy


async def test_bad_options_and_missing_key_fail_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(OpenAIError, match="OPENAI_API_KEY"):
        OpenAI()
    with pytest.raises(ValueError):
        OpenAI(api_key=KEY, max_retries=-1)


# -- raw and streamed responses ---------------------------------------------------------------------------


async def test_with_raw_response(client: OpenAI) -> None:
    raw = await blocking(client.models.with_raw_response.retrieve, "gpt-4o")
    assert type(raw) is APIResponse
    assert raw.status_code == 200
    assert raw.request_id is not None
    assert raw.json()["id"] == "gpt-4o"
    assert raw.parse().id == "gpt-4o"
    raw_chat = await blocking(client.chat.with_raw_response.completions.create, model="m", messages=HELLO)
    assert raw_chat.parse().choices[0].message.content == "Echo: hello there"
    raw_list = await blocking(client.models.with_raw_response.list)
    page = raw_list.parse()
    assert type(page) is SyncBasePage
    assert [m.id for m in page][:2] == ["gpt-4o", "gpt-4o-mini"]


async def test_with_streaming_response(client: OpenAI, tmp_path: Path) -> None:
    def read_all() -> tuple[Any, ...]:
        with client.models.with_streaming_response.retrieve("gpt-4o") as response:
            assert type(response) is SyncAPIResponse
            status, closed_before = response.status_code, response.is_closed
            model = response.parse()
        with client.models.with_streaming_response.retrieve("gpt-4o") as lines_response:
            lines = list(lines_response.iter_lines())
        with client.chat.with_streaming_response.completions.create(model="m", messages=HELLO) as chat:
            chat.stream_to_file(tmp_path / "chat.json")
        with client.models.with_streaming_response.list() as listing:
            page = listing.parse()
        return status, closed_before, model, response.is_closed, lines, page

    status, closed_before, model, closed_after, lines, page = await blocking(read_all)
    assert (status, closed_before, closed_after) == (200, False, True)
    assert model.id == "gpt-4o"
    assert json.loads("".join(lines))["id"] == "gpt-4o"
    assert json.loads((tmp_path / "chat.json").read_bytes())["object"] == "chat.completion"
    assert type(page) is SyncBasePage
    stats = await blocking(client.statistics)
    assert stats.pool is not None
    assert stats.pool.active_connections == 0  # every response was released


async def test_streaming_response_left_unread_releases_on_exit(client: OpenAI, server: FakeServer) -> None:
    def leave_unread() -> bool:
        with client.models.with_streaming_response.retrieve("gpt-4o") as response:
            pass
        return response.is_closed

    assert await blocking(leave_unread)
    assert (await blocking(client.models.retrieve, "gpt-4o")).id == "gpt-4o"


# -- pages ------------------------------------------------------------------------------------------------


async def test_list_iterates_every_item_across_pages(client: OpenAI, server: FakeServer) -> None:
    files = demo(client).files
    page = await blocking(files.list, limit=100)
    assert len(page.data) == 100
    assert page.has_next_page()
    assert len(server.requests_to("GET", "/files")) == 1  # the first page is fetched eagerly
    items = await blocking(list, page)
    assert len(items) == 250
    assert len({item.id for item in items}) == 250
    assert all(isinstance(item, FileObject) for item in items)
    requests = server.requests_to("GET", "/files")
    assert [r.query_value("after") for r in requests] == [None, items[99].id, items[199].id]
    pages = await blocking(lambda: [len(p.data) for p in page.iter_pages()])
    assert pages == [100, 100, 50]
    async with async_client(server) as aclient:
        with trio.fail_after(10):
            expected = [item async for item in async_demo(aclient).files.list(limit=100)]
    assert items == expected


async def test_breaking_out_of_a_list_stops_fetching(client: OpenAI, server: FakeServer) -> None:
    def first(n: int) -> list[FileObject]:
        out: list[FileObject] = []
        for item in demo(client).files.list(limit=20):
            out.append(item)
            if len(out) == n:
                break
        return out

    items = await blocking(first, 30)
    assert len(items) == 30
    assert len(server.requests_to("GET", "/files")) == 2


async def test_next_page_and_raw_list(client: OpenAI, server: FakeServer) -> None:
    files = demo(client).files
    first = await blocking(files.list, limit=200)
    second = await blocking(first.get_next_page)
    assert len(second.data) == 50
    assert not second.has_next_page()
    assert second.page.has_more is False
    with pytest.raises(RuntimeError, match="No next page"):
        await blocking(second.get_next_page)
    raw = await blocking(files.with_raw_response.list, limit=200)
    assert raw.headers["content-type"].startswith("application/json")
    assert len(await blocking(list, raw.parse())) == 250


# -- event streams ------------------------------------------------------------------------------------------


async def test_stream_method_returns_a_blocking_stream(client: OpenAI, server: FakeServer) -> None:
    completions = demo(client).completions
    plain = await blocking(completions.create, model="m", messages=HELLO)
    assert plain.choices[0].message.content == "Echo: hello there"
    stream = await blocking(completions.create, model="m", messages=HELLO, stream=True)
    assert type(stream) is Stream
    assert stream.response.status_code == 200
    chunks = await blocking(list, stream)
    assert all(isinstance(chunk, ChatChunk) for chunk in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Echo: hello there"
    assert stream.closed
    await blocking(stream.close)  # idempotent


async def test_stream_stopped_early_releases_the_connection(client: OpenAI, server: FakeServer) -> None:
    def first_chunk() -> tuple[ChatChunk, Stream[ChatChunk]]:
        with demo(client).completions.create(
            model="m", messages=HELLO, stream=True, extra_headers={"X-Fake-Chunk-Delay-Ms": "50"}
        ) as stream:
            for chunk in stream:
                return chunk, stream
        raise AssertionError("no chunk")

    chunk, stream = await blocking(first_chunk)
    assert isinstance(chunk, ChatChunk)
    assert stream.closed
    stats = await blocking(client.statistics)
    assert stats.pool is not None
    assert stats.pool.active_connections == 0
    assert (await blocking(client.models.retrieve, "gpt-4o")).id == "gpt-4o"


class _StandIn:
    """The smallest AsyncStream stand-in: an async iterator with an aclose that counts."""

    def __init__(self, items: list[int]) -> None:
        self.items = items
        self.acloses = 0

    async def __aiter__(self) -> AsyncIterator[int]:
        for item in self.items:
            await trio.lowlevel.checkpoint()
            yield item

    async def aclose(self) -> None:
        await trio.lowlevel.checkpoint()
        self.acloses += 1


async def test_stream_over_any_async_iterator_with_aclose() -> None:
    source = _StandIn([1, 2, 3])
    stream = Stream(source, get_portal())
    assert await blocking(list, stream) == [1, 2, 3]
    assert source.acloses == 1
    early = _StandIn([1, 2, 3])

    def stop_early() -> tuple[int, Stream[int]]:
        with Stream(early, get_portal()) as stream:
            first = next(stream)
        stream.close()
        return first, stream

    first, stream = await blocking(stop_early)
    assert first == 1
    assert early.acloses == 1  # once: close() is idempotent
    assert "closed" in repr(stream)


async def test_raw_and_streamed_wrappers_of_a_stream_method(client: OpenAI) -> None:
    completions = demo(client).completions

    def streamed() -> list[str]:
        with completions.with_streaming_response.create(model="m", messages=HELLO, stream=True) as response:
            stream = response.parse()
            assert isinstance(stream, Stream)
            return [c.choices[0].delta.content or "" for c in stream if c.choices]  # pyright: ignore

    assert "".join(await blocking(streamed)) == "Echo: hello there"
    raw = await blocking(completions.with_raw_response.create, model="m", messages=HELLO)
    assert raw.parse().choices[0].message.content == "Echo: hello there"


# -- threads, lifetime, options ---------------------------------------------------------------------------


async def test_32_threads_share_one_client(client: OpenAI, server: FakeServer) -> None:
    results: dict[int, str] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(32)

    def worker(n: int) -> None:
        try:
            barrier.wait(5)
            for round_ in range(3):
                text = f"thread {n} round {round_}"
                reply = client.chat.completions.create(
                    model="m", messages=[{"role": "user", "content": text}]
                )
                results[n * 10 + round_] = reply.choices[0].message.content or ""
        except BaseException as exc:
            errors.append(exc)

    def run_all() -> None:
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(32)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)

    await blocking(run_all)
    assert errors == []
    assert results == {n * 10 + r: f"Echo: thread {n} round {r}" for n in range(32) for r in range(3)}


async def test_calling_from_inside_trio_fails_at_once(client: OpenAI, server: FakeServer) -> None:
    start = trio.current_time()
    with pytest.raises(BlockingCallInTrioError, match="AsyncOpenAI"):
        client.models.retrieve("gpt-4o")
    with pytest.raises(BlockingCallInTrioError, match="AsyncOpenAI"):
        client.models.list()
    assert trio.current_time() - start < 1
    assert server.requests_to("GET", "/models/gpt-4o") == []


async def test_with_options_shares_the_pool_and_close(client: OpenAI, server: FakeServer) -> None:
    copy = client.with_options(timeout=30, default_headers={"X-Copy": "1"})
    assert copy.timeout.read == 30
    assert client.timeout.read == 600
    assert copy.api_key == client.api_key == KEY
    assert copy.base_url == client.base_url
    assert copy.default_headers == {"X-Copy": "1"}
    await blocking(client.models.retrieve, "gpt-4o")
    await blocking(copy.models.retrieve, "gpt-4o")
    requests = server.requests_to("GET", "/models/gpt-4o")
    assert requests[0].connection_id == requests[1].connection_id  # one shared pool
    assert requests[1].headers["x-copy"] == "1"
    await blocking(copy.close)
    assert copy.is_closed() and not client.is_closed()
    with pytest.raises(RuntimeError, match="closed"):
        await blocking(copy.models.retrieve, "gpt-4o")
    assert (await blocking(client.models.retrieve, "gpt-4o")).id == "gpt-4o"
    await blocking(client.close)
    await blocking(client.close)  # idempotent
    assert client.is_closed()
    with pytest.raises(RuntimeError, match="closed"):
        await blocking(client.models.retrieve, "gpt-4o")
    with trio.fail_after(5):
        await server.wait_for_stats(lambda s: s.connections_open == 0)  # the pool was closed


async def test_context_manager_and_statistics(server: FakeServer) -> None:
    def use() -> tuple[Any, Any, OpenAI]:
        with OpenAI(base_url=server.base_url, api_key=KEY) as c:
            before = c.statistics()
            c.models.retrieve("gpt-4o")
            after = c.statistics()
        return before, after, c

    before, after, c = await blocking(use)
    assert before.pool is not None and before.pool.connections == 0
    assert after.pool is not None and after.pool.idle_connections == 1
    assert after.in_flight == 0
    assert c.is_closed() and c.statistics().closed
    assert "closed" in repr(c)


async def test_api_key_provider_runs_in_a_worker_thread(server: FakeServer) -> None:
    seen: list[str] = []

    def provider() -> str:
        seen.append(threading.current_thread().name)
        return "sk-from-provider"

    def use() -> None:
        with OpenAI(base_url=server.base_url, api_key=provider) as c:
            c.models.retrieve("gpt-4o")
            c.models.retrieve("gpt-4o")

    await blocking(use)
    assert len(seen) == 2
    assert all(name != get_portal().name for name in seen)
    headers = [r.headers["authorization"] for r in server.requests_to("GET", "/models/gpt-4o")]
    assert headers == ["Bearer sk-from-provider"] * 2


async def test_portal_restart_builds_a_fresh_pool(client: OpenAI, server: FakeServer) -> None:
    portal = get_portal()
    await blocking(client.models.retrieve, "gpt-4o")
    generation = portal.generation
    assert await blocking(portal.close)
    with trio.fail_after(5):  # the close callback closed the pool inside the old run
        await server.wait_for_stats(lambda s: s.connections_open == 0)
    assert (await blocking(client.models.retrieve, "gpt-4o")).id == "gpt-4o"
    assert portal.generation == generation + 1
    requests = server.requests_to("GET", "/models/gpt-4o")
    assert requests[0].connection_id != requests[1].connection_id


async def test_the_low_level_verbs(client: OpenAI) -> None:
    from trio_openai.types.model import Model

    model = await blocking(client.get, "/models/gpt-4o", cast_to=Model)
    assert model.id == "gpt-4o"


# -- whole-process behaviour, in subprocesses ----------------------------------------------------------------


async def run_script(tmp_path: Path, source: str) -> tuple[float, dict[str, Any]]:
    """Run `source` in a fresh interpreter; return its run time and the JSON it printed last."""
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(source))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.monotonic()
    with trio.fail_after(30):
        proc = await trio.run_process(
            [sys.executable, str(script)], capture_stdout=True, capture_stderr=True, check=False, env=env
        )
    elapsed = time.monotonic() - start
    stdout, stderr = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    lines = stdout.strip().splitlines()
    assert lines, f"no output\nstderr:\n{stderr}"
    return elapsed, json.loads(lines[-1])


_CTRL_C_SCRIPT = """
import json, os, signal, threading, time
from trio_openai import OpenAI
from trio_openai.testing import FakeServerThread, Reply

with FakeServerThread() as server:
    client = OpenAI(base_url=server.base_url, api_key="sk-x", max_retries=0)
    client.models.retrieve("gpt-4o")  # warm: one pooled connection
    server.script("GET", "/models/gpt-4o", Reply(json={}, delay=3600))  # only an interrupt ends it
    sent = []
    def interrupt():
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)
    threading.Timer(0.3, interrupt).start()
    try:
        client.models.retrieve("gpt-4o")
        outcome = "returned"
    except KeyboardInterrupt:
        outcome = "KeyboardInterrupt"
    latency = time.monotonic() - sent[0]
    deadline = time.monotonic() + 5
    while server.stats.client_disconnects < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    pool = client.statistics().pool
    after = client.models.retrieve("gpt-4o").id
    client.close()
    print(json.dumps({
        "outcome": outcome,
        "latency": latency,
        "disconnects": server.stats.client_disconnects,
        "active_after_interrupt": pool.active_connections,
        "after": after,
    }))
"""


async def test_ctrl_c_interrupts_a_slow_request(tmp_path: Path) -> None:
    _, result = await run_script(tmp_path, _CTRL_C_SCRIPT)
    # The reply is an hour away and the script runs under a 30 s limit: the call ended because of Ctrl-C.
    assert result["outcome"] == "KeyboardInterrupt"
    assert result["disconnects"] == 1  # the server saw the client go away
    assert result["active_after_interrupt"] == 0  # the connection was released
    assert result["after"] == "gpt-4o"


_EXIT_SCRIPT = """
import json
from trio_openai import OpenAI
from trio_openai.testing import FakeServerThread

server = FakeServerThread().__enter__()
client = OpenAI(base_url=server.base_url, api_key="sk-x")  # never closed
print(json.dumps({"id": client.models.retrieve("gpt-4o").id}), flush=True)
"""


async def test_unclosed_client_does_not_delay_exit(tmp_path: Path) -> None:
    # A client left open must not hold the interpreter at exit: run_script fails if the process outlives its limit.
    _, result = await run_script(tmp_path, _EXIT_SCRIPT)
    assert result == {"id": "gpt-4o"}


_FORK_SCRIPT = """
import json, os
from trio_openai import OpenAI
from trio_openai._core._portal import get_portal
from trio_openai.testing import FakeServerThread

with FakeServerThread() as server:
    client = OpenAI(base_url=server.base_url, api_key="sk-x")
    client.models.retrieve("gpt-4o")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_fd)
            inherited = client.models.retrieve("gpt-4o").id  # the parent's client: a fresh pool here
            fresh = OpenAI(base_url=server.base_url, api_key="sk-x")
            child = {
                "inherited": inherited,
                "fresh": fresh.chat.completions.create(model="m", messages=[{"role": "user", "content": "kid"}])
                .choices[0].message.content,
                "generation": get_portal().generation,
            }
            fresh.close()
            client.close()
            os.write(write_fd, json.dumps(child).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        child = json.loads(pipe.read() or "null")
    _, status = os.waitpid(pid, 0)
    parent = client.models.retrieve("gpt-4o").id
    connections = {r.connection_id for r in server.requests_to("GET", "/models/gpt-4o")}
    client.close()
    print(json.dumps({"child": child, "status": status, "parent": parent, "connections": len(connections)}))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX-only")
async def test_fork_child_uses_a_fresh_portal_and_pool(tmp_path: Path) -> None:
    _, result = await run_script(tmp_path, _FORK_SCRIPT)
    assert result["child"] == {"inherited": "gpt-4o", "fresh": "Echo: kid", "generation": 2}
    assert result["status"] == 0
    assert result["parent"] == "gpt-4o"
    assert result["connections"] == 2  # the parent's and the child's own, never shared


# -- typing --------------------------------------------------------------------------------------------------


async def test_sync_signatures_are_exact_for_pyright() -> None:
    pyright = ROOT / ".venv" / "bin" / "pyright"
    if not pyright.exists():
        pyright = Path(sys.executable).parent / "pyright"
    with trio.fail_after(60):
        proc = await trio.run_process(
            [str(pyright), str(ROOT / "tests" / "blocking" / "typing_sync.py")],
            capture_stdout=True,
            capture_stderr=True,
            check=False,
            cwd=ROOT,
        )
    out = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == 0, out
    assert "0 errors" in out


async def test_dropped_open_client_warns_without_io(server: FakeServer) -> None:
    import gc
    import warnings

    client = OpenAI(base_url=server.base_url, api_key=KEY)
    await blocking(client.models.retrieve, "gpt-4o")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del client
        gc.collect()
    messages = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert any("unclosed OpenAI" in m for m in messages), messages
    # Its pool was collected with it: the server sees the connection go.
    with trio.fail_after(5):
        await server.wait_for_stats(lambda s: s.connections_open == 0)
