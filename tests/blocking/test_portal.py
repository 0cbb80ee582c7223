"""Tests for the blocking portal (trio_openai._core._portal).

Blocking calls are made from worker threads (`trio.to_thread.run_sync`) under `trio.fail_after`,
so a bug can fail a test but never hang the run. Whatever needs the main thread of a process
(signals, interpreter exit, fork) runs in a subprocess, also under `trio.fail_after`.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import textwrap
import threading
import traceback
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import pytest
import trio

from trio_openai._core._portal import Portal, get_portal
from trio_openai._core._portal._errors import BlockingCallInTrioError, PortalClosedError

T = TypeVar("T")
P = ParamSpec("P")

ROOT = Path(__file__).resolve().parents[2]


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run the blocking `fn` in a worker thread, failing (not hanging) after 10 seconds."""
    with trio.fail_after(10):
        return await trio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), abandon_on_cancel=True)


async def run_script(tmp_path: Path, source: str) -> dict[str, Any]:
    """Run `source` in a fresh interpreter (failing, not hanging, after 20 s); return the JSON it printed last."""
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(source))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with trio.fail_after(20):
        proc = await trio.run_process(
            [sys.executable, str(script)], capture_stdout=True, capture_stderr=True, check=False, env=env
        )
    stdout, stderr = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    lines = stdout.strip().splitlines()
    assert lines, f"no output\nstderr:\n{stderr}"
    return json.loads(lines[-1])


@pytest.fixture
def portal() -> Iterator[Portal]:
    p = Portal(name="test-portal", misuse_hint="use the async client instead")
    yield p
    assert p.close(timeout=5.0)


class CustomError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


async def add(a: int, b: int, *, scale: int = 1) -> int:
    await trio.lowlevel.checkpoint()
    return (a + b) * scale


async def fail_deep() -> None:
    await trio.lowlevel.checkpoint()
    raise CustomError("it broke", code=42)


# -- results and errors ------------------------------------------------------------------------------


async def test_result_crosses(portal: Portal) -> None:
    assert await blocking(portal.call, add, 1, 2) == 3
    assert await blocking(portal.call, add, 1, 2, scale=10) == 30
    assert portal.running
    assert portal.generation == 1


async def test_exception_type_and_traceback_cross(portal: Portal) -> None:
    with pytest.raises(CustomError) as info:
        await blocking(portal.call, fail_deep)
    assert info.value.code == 42
    frames = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert "fail_deep" in frames  # the frame that raised, inside the portal, is kept
    assert await blocking(portal.call, add, 2, 2) == 4  # still healthy


async def test_runs_in_the_portal_thread(portal: Portal) -> None:
    async def where() -> tuple[int, bool]:
        return threading.get_ident(), trio.lowlevel.in_trio_run()

    ident, in_trio = await blocking(portal.call, where)
    assert in_trio
    assert ident != threading.get_ident()
    assert ident == (await blocking(portal.call, where))[0]  # one thread, shared


async def test_32_threads_at_once(portal: Portal) -> None:
    n = 32
    barrier = threading.Barrier(n)
    active = 0
    peak = 0

    async def echo(i: int) -> tuple[int, int]:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        try:
            await trio.sleep(0.05)
        finally:
            active -= 1
        return i, i * i

    def worker(i: int) -> tuple[int, int]:
        barrier.wait(timeout=10)
        return portal.call(echo, i)

    results: dict[int, tuple[int, int]] = {}

    async def one(i: int) -> None:
        results[i] = await blocking(worker, i)

    with trio.fail_after(15):
        async with trio.open_nursery() as nursery:
            for i in range(n):
                nursery.start_soon(one, i)
    assert results == {i: (i, i * i) for i in range(n)}
    assert peak > 1  # the calls overlapped inside the portal


async def test_lazy_thread_safe_start() -> None:
    portal = Portal(name="lazy")
    try:
        assert not portal.running and portal.generation == 0

        async def ident() -> int:
            return threading.get_ident()

        barrier = threading.Barrier(8)

        def worker() -> int:
            barrier.wait(timeout=10)
            return portal.call(ident)

        idents: list[int] = []

        async def one() -> None:
            idents.append(await blocking(worker))

        async with trio.open_nursery() as nursery:
            for _ in range(8):
                nursery.start_soon(one)
        assert len(set(idents)) == 1
        assert portal.generation == 1
    finally:
        assert await blocking(portal.close, 5.0)


def test_default_portal_is_shared() -> None:
    assert get_portal() is get_portal()


# -- misuse ---------------------------------------------------------------------------------------------


async def test_call_from_inside_trio_fails_fast(portal: Portal) -> None:
    # No deadline needed: the calls below either raise at once or block this very trio thread.
    with pytest.raises(BlockingCallInTrioError, match="use the async client instead"):
        portal.call(add, 1, 2)
    with pytest.raises(BlockingCallInTrioError):
        portal.close()
    assert not portal.running  # refusing did not even start the thread


async def test_call_from_the_portal_thread_fails_fast(portal: Portal) -> None:
    async def reenter() -> int:
        return portal.call(add, 1, 2)

    with pytest.raises(BlockingCallInTrioError, match="use the async client instead"):
        await blocking(portal.call, reenter)


async def test_misuse_hint_can_be_set_later(portal: Portal) -> None:
    portal.misuse_hint = "use AsyncThing"
    with pytest.raises(BlockingCallInTrioError, match="use AsyncThing"):
        portal.call(add, 1, 2)


# -- lifetime -------------------------------------------------------------------------------------------


async def test_close_cancels_in_flight_calls_without_leaking_cancelled(portal: Portal) -> None:
    started = threading.Event()
    unwound: list[str] = []

    async def slow() -> None:
        started.set()
        try:
            await trio.sleep(30)
        finally:
            unwound.append("finally")

    async def close_soon() -> bool:
        await trio.to_thread.run_sync(started.wait, 5)
        return await blocking(portal.close, 5.0)

    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(close_soon)
            with pytest.raises(PortalClosedError):
                await blocking(portal.call, slow)
    assert unwound == ["finally"]
    assert not portal.running


async def test_closed_portal_restarts_lazily(portal: Portal) -> None:
    async def ident() -> int:
        return threading.get_ident()

    await blocking(portal.call, ident)
    assert await blocking(portal.close, 5.0)
    assert await blocking(portal.close, 5.0)  # idempotent
    assert not portal.running
    await blocking(portal.call, ident)
    assert portal.running and portal.generation == 2


async def test_close_callbacks_run_inside_the_run_in_reverse_order(
    portal: Portal, caplog: pytest.LogCaptureFixture
) -> None:
    events: list[tuple[str, bool]] = []

    def callback(name: str) -> Callable[[], Any]:
        async def cb() -> None:
            await trio.lowlevel.checkpoint()
            events.append((name, trio.lowlevel.in_trio_run()))

        return cb

    async def broken() -> None:
        raise RuntimeError("cleanup failed")

    async def make_resource() -> None:
        # The intended use: a resource made inside a call registers its own cleanup.
        portal.on_close(callback("pool"))

    await blocking(portal.call, make_resource)
    await blocking(portal.on_close, broken)
    unregister = await blocking(portal.on_close, callback("removed"))
    await blocking(portal.on_close, callback("last"))
    unregister()
    with caplog.at_level("WARNING", logger="trio_openai.portal"):
        assert await blocking(portal.close, 5.0)
    assert events == [("last", True), ("pool", True)]
    assert "close callback failed" in caplog.text
    # Callbacks belong to one run: a restarted portal does not run them again.
    await blocking(portal.call, add, 1, 1)
    assert await blocking(portal.close, 5.0)
    assert len(events) == 2


async def test_close_is_bounded_when_cleanup_hangs(portal: Portal) -> None:
    reached: list[str] = []
    budgets: list[float] = []

    async def stubborn() -> None:
        # The deadline the callback runs under is the bound: no wall clock needed to see it.
        budgets.append(trio.current_effective_deadline() - trio.current_time())
        try:
            await trio.sleep(30)
        except trio.Cancelled:
            reached.append("cancelled by the deadline")
            raise

    await blocking(portal.on_close, stubborn)
    assert await blocking(portal.close, 0.5)
    assert reached == ["cancelled by the deadline"]  # not the 30 s sleep running out
    assert len(budgets) == 1 and budgets[0] <= 0.5


# -- iterate -------------------------------------------------------------------------------------------


class Tracker:
    def __init__(self) -> None:
        self.events: list[str] = []

    async def numbers(self, n: int, fail_at: int | None = None) -> AsyncIterator[int]:
        try:
            for i in range(n):
                if i == fail_at:
                    raise CustomError("source failed", code=i)
                await trio.lowlevel.checkpoint()
                yield i
        finally:
            self.events.append(f"finally in trio={trio.lowlevel.in_trio_run()}")


async def test_iterate_all_items(portal: Portal) -> None:
    tracker = Tracker()
    assert await blocking(lambda: list(portal.iterate(tracker.numbers(5)))) == [0, 1, 2, 3, 4]
    assert tracker.events == ["finally in trio=True"]


async def test_iterate_break_inside_with_closes_the_async_side(portal: Portal) -> None:
    tracker = Tracker()

    def consume() -> tuple[list[int], bool]:
        seen: list[int] = []
        with portal.iterate(tracker.numbers(100)) as items:
            for item in items:
                seen.append(item)
                if item == 2:
                    break
            closed_inside = items.closed
        assert items.closed
        return seen, closed_inside

    seen, closed_inside = await blocking(consume)
    assert seen == [0, 1, 2]
    assert not closed_inside
    assert tracker.events == ["finally in trio=True"]  # ran in the portal, before `with` ended


async def test_iterate_generator_close_closes_the_async_side(portal: Portal) -> None:
    tracker = Tracker()

    def wrapper() -> Generator[int]:
        with portal.iterate(tracker.numbers(100)) as items:
            yield from items

    def consume() -> list[int]:
        gen = wrapper()
        first = [next(gen), next(gen)]
        gen.close()  # no garbage collector involved
        return first

    assert await blocking(consume) == [0, 1]
    assert tracker.events == ["finally in trio=True"]


async def test_iterate_error_propagates_and_closes(portal: Portal) -> None:
    tracker = Tracker()
    seen: list[int] = []

    def consume() -> None:
        for item in portal.iterate(tracker.numbers(10, fail_at=3)):
            seen.append(item)

    with pytest.raises(CustomError, match="source failed"):
        await blocking(consume)
    assert seen == [0, 1, 2]
    assert tracker.events == ["finally in trio=True"]


async def test_iterate_close_before_start_acloses_the_source(portal: Portal) -> None:
    class Source:
        closed_in_trio: bool | None = None

        def __aiter__(self) -> AsyncIterator[int]:
            raise AssertionError("never iterated")

        async def aclose(self) -> None:
            self.closed_in_trio = trio.lowlevel.in_trio_run()

    source = Source()
    it = portal.iterate(source)
    await blocking(it.close)
    await blocking(it.close)  # idempotent
    assert source.closed_in_trio is True
    assert await blocking(lambda: list(it)) == []


# -- wrap_async_cm -----------------------------------------------------------------------------------------


async def test_wrap_async_cm_enters_and_exits_in_one_task(portal: Portal) -> None:
    events: list[str] = []

    @asynccontextmanager
    async def with_nursery() -> AsyncGenerator[str]:
        # A nursery and a cancel scope across the yield: only works if enter and exit share a task.
        async with trio.open_nursery() as nursery:
            nursery.start_soon(trio.sleep_forever)
            events.append("entered")
            try:
                yield "value"
            finally:
                events.append("exiting")
                nursery.cancel_scope.cancel()

    def use() -> str:
        with portal.wrap_async_cm(with_nursery()) as value:
            events.append("body")
            return value
        raise AssertionError("not suppressed")  # pragma: no cover

    assert await blocking(use) == "value"
    assert events == ["entered", "body", "exiting"]


async def test_wrap_async_cm_passes_the_body_exception(portal: Portal) -> None:
    seen: list[BaseException | None] = []

    @asynccontextmanager
    async def suppressing(suppress: bool) -> AsyncGenerator[None]:
        try:
            yield
        except CustomError as exc:
            seen.append(exc)
            if not suppress:
                raise

    def body(suppress: bool) -> str:
        with portal.wrap_async_cm(suppressing(suppress)):
            raise CustomError("from the body", code=1)
        return "suppressed"

    assert await blocking(body, True) == "suppressed"
    with pytest.raises(CustomError, match="from the body"):
        await blocking(body, False)
    assert len(seen) == 2


async def test_wrap_async_cm_enter_failure_propagates(portal: Portal) -> None:
    @asynccontextmanager
    async def broken() -> AsyncGenerator[None]:
        raise CustomError("cannot enter", code=7)
        yield  # pragma: no cover

    def use() -> None:
        with portal.wrap_async_cm(broken()):
            raise AssertionError("body must not run")  # pragma: no cover

    with pytest.raises(CustomError, match="cannot enter"):
        await blocking(use)
    assert await blocking(portal.call, add, 1, 1) == 2


async def test_wrap_async_cm_closed_portal_exits_the_cm(portal: Portal) -> None:
    events: list[str] = []

    @asynccontextmanager
    async def cm() -> AsyncGenerator[None]:
        try:
            yield
        finally:
            events.append("exited")

    def use() -> None:
        with portal.wrap_async_cm(cm()):
            portal.close(timeout=5)
            events.append("closed")

    with pytest.raises(PortalClosedError):
        await blocking(use)
    assert events == ["exited", "closed"]


# -- whole-process behaviour, in subprocesses -----------------------------------------------------------

_KI_SCRIPT = """
import json, os, signal, threading
import trio
from trio_openai._core._portal import get_portal

portal = get_portal()
log = []

async def slow():
    try:
        await trio.sleep(30)
    except trio.Cancelled:
        log.append("cancelled")
        raise
    finally:
        await trio.lowlevel.cancel_shielded_checkpoint()
        log.append("finally")

async def add(a, b):
    return a + b

rounds = []
for _ in range(2):  # twice: the portal must stay fully usable after an interrupt
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    try:
        portal.call(slow)
        outcome = "returned"
    except KeyboardInterrupt:
        outcome = "KeyboardInterrupt"
    rounds.append({
        "outcome": outcome,
        "log": list(log),
        "after": portal.call(add, 2, 3),
    })
    log.clear()

# Interrupting a `with` on an async context manager whose __aenter__ is slow.
from contextlib import asynccontextmanager

@asynccontextmanager
async def slow_to_enter():
    await slow()
    yield

threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
try:
    with portal.wrap_async_cm(slow_to_enter()):
        pass
    cm_outcome = "entered"
except KeyboardInterrupt:
    cm_outcome = "KeyboardInterrupt"
cm = {"outcome": cm_outcome, "log": list(log), "after": portal.call(add, 1, 1)}
log.clear()

# Interrupting a blocking iteration while it waits for the next item.
class Source:
    async def _items(self):
        try:
            yield 1
            await trio.sleep(30)
            yield 2
        finally:
            log.append("generator finally")

    def __aiter__(self):
        return self._items()

    async def aclose(self):
        log.append(f"aclose cancelled={trio.current_effective_deadline() == float('-inf')}")

threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
items = []
try:
    for item in portal.iterate(Source()):
        items.append(item)
    it_outcome = "finished"
except KeyboardInterrupt:
    it_outcome = "KeyboardInterrupt"
iteration = {"outcome": it_outcome, "items": items, "log": list(log)}
print(json.dumps({"rounds": rounds, "cm": cm, "iterate": iteration}))
"""


async def test_ctrl_c_cancels_the_call_and_the_portal_survives(tmp_path: Path) -> None:
    result = await run_script(tmp_path, _KI_SCRIPT)
    # No wall clock: "cancelled" in the log shows the interrupt cut the 30 s sleep short (an interrupt
    # noticed only when the call returned would log no cancellation), and it is logged before the
    # KeyboardInterrupt reached the caller, so the call had unwound in the portal by then.
    assert len(result["rounds"]) == 2
    for round_ in result["rounds"]:
        assert round_["outcome"] == "KeyboardInterrupt"
        assert round_["log"] == ["cancelled", "finally"]  # unwound before the interrupt went on
        assert round_["after"] == 5
    cm = result["cm"]
    assert cm["outcome"] == "KeyboardInterrupt"
    assert cm["log"] == ["cancelled", "finally"]
    assert cm["after"] == 2
    iteration = result["iterate"]
    assert iteration["outcome"] == "KeyboardInterrupt"
    assert iteration["items"] == [1]
    assert iteration["log"] == ["generator finally", "aclose cancelled=True"]  # forceful close


_MAIN_THREAD_SCRIPT = """
import json, threading
import trio
from trio_openai._core._portal import get_portal
from trio_openai._core._portal._errors import PortalClosedError

portal = get_portal()
out = {}

class Boom(Exception):
    pass

async def boom():
    raise Boom("x")

async def slow():
    await trio.sleep(30)

async def add(a, b):
    return a + b

out["value"] = portal.call(add, 1, 2)
try:
    portal.call(boom)
except Boom:
    out["error"] = "Boom"
threading.Timer(0.2, portal.close).start()
try:
    portal.call(slow)
except PortalClosedError:
    out["closed"] = "PortalClosedError"
out["again"] = portal.call(add, 3, 4)
out["generation"] = portal.generation
items = []
async def agen():
    for i in range(3):
        yield i
for i in portal.iterate(agen()):
    items.append(i)
out["items"] = items
print(json.dumps(out))
"""


async def test_main_thread_calls(tmp_path: Path) -> None:
    result = await run_script(tmp_path, _MAIN_THREAD_SCRIPT)
    assert result == {
        "value": 3,
        "error": "Boom",
        "closed": "PortalClosedError",
        "again": 7,
        "generation": 2,
        "items": [0, 1, 2],
    }


_EXIT_SCRIPT = """
import json, threading
import trio
from trio_openai._core._portal import get_portal

portal = get_portal()

async def register():
    async def cleanup():
        await trio.lowlevel.checkpoint()
        print("cleanup ran in the portal", flush=True)
    portal.on_close(cleanup)

async def forever():
    try:
        await trio.sleep(3600)
    except trio.Cancelled:
        print("the in-flight call was cancelled at exit", flush=True)
        raise

portal.call(register)
# A daemon thread stays blocked in a call while the interpreter exits.
threading.Thread(target=portal.call, args=(forever,), daemon=True).start()
print(json.dumps({"started": portal.running}), flush=True)
"""


async def test_unclosed_portal_does_not_delay_exit(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(_EXIT_SCRIPT))
    with trio.fail_after(20):  # the hang guard only
        proc = await trio.run_process(
            [sys.executable, str(script)],
            capture_stdout=True,
            capture_stderr=True,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    stdout = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert '{"started": true}' in stdout
    assert "the in-flight call was cancelled at exit" in stdout  # the exit hook cut the hour short
    assert "cleanup ran in the portal" in stdout  # the atexit close ran the close callbacks


_FORK_SCRIPT = """
import json, os, threading
import trio
from trio_openai._core._portal import get_portal

portal = get_portal()

async def whoami():
    return threading.get_ident()

async def add(a, b):
    await trio.sleep(0.01)
    return a + b

parent_thread = portal.call(whoami)
parent_generation = portal.generation
read_fd, write_fd = os.pipe()
pid = os.fork()
if pid == 0:
    try:
        os.close(read_fd)
        child = {
            "sum": portal.call(add, 20, 22),
            "thread_alive": any(t.ident == portal.call(whoami) for t in threading.enumerate()),
            "generation": portal.generation,
        }
        os.write(write_fd, json.dumps(child).encode())
    finally:
        os._exit(0)
os.close(write_fd)
with os.fdopen(read_fd) as pipe:
    child = json.loads(pipe.read() or "null")
_, status = os.waitpid(pid, 0)
print(json.dumps({
    "child": child,
    "child_status": status,
    "parent_sum": portal.call(add, 1, 1),
    "parent_same_thread": portal.call(whoami) == parent_thread,
    "parent_generation": portal.generation,
    "before_fork_generation": parent_generation,
}))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX-only")
async def test_fork_child_gets_a_fresh_portal(tmp_path: Path) -> None:
    result = await run_script(tmp_path, _FORK_SCRIPT)
    assert result["child"] == {"sum": 42, "thread_alive": True, "generation": 2}
    assert result["child_status"] == 0
    assert result["parent_sum"] == 2
    assert result["parent_same_thread"] is True
    assert result["parent_generation"] == result["before_fork_generation"] == 1
