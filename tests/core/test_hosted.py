"""The client's nursery lives in a system task: the block may be left from another task."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest
import trio
import trio.testing

from trio_openai import AsyncOpenAI
from trio_openai._core._hosted import HostedNursery
from trio_openai.testing import MockRequest, MockResponse, MockTransport

MODEL = {"id": "m", "object": "model", "created": 1, "owned_by": "o"}


def answer(request: MockRequest) -> MockResponse:
    return MockResponse(json=MODEL)


async def test_entered_in_one_task_and_left_in_another() -> None:
    client = AsyncOpenAI(api_key="sk-test", base_url="http://mock/v1", transport=MockTransport(answer))
    stack = AsyncExitStack()
    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            entered = trio.Event()

            async def enter() -> None:
                await stack.enter_async_context(client)
                entered.set()

            nursery.start_soon(enter)
            await entered.wait()
        assert client._spawner.nursery is not None  # pyright: ignore[reportPrivateUsage]
        assert (await client.models.retrieve("m")).id == "m"
        await stack.aclose()  # in this task, not the one that entered
        assert client.is_closed()
        assert client._spawner.nursery is None  # pyright: ignore[reportPrivateUsage]


async def test_closing_cancels_its_tasks_and_waits_for_them() -> None:
    finished: list[str] = []
    with trio.fail_after(10):
        host = await HostedNursery.open()
        nursery = host.nursery
        assert nursery is not None

        async def sleeper() -> None:
            try:
                await trio.sleep_forever()
            finally:
                finished.append("sleeper")

        nursery.start_soon(sleeper)
        await trio.testing.wait_all_tasks_blocked()
        await host.aclose()
        assert finished == ["sleeper"]
        assert host.nursery is None
        await host.aclose()  # idempotent


async def test_a_task_that_raises_surfaces_at_close_not_in_the_run() -> None:
    with trio.fail_after(10):
        host = await HostedNursery.open()
        assert host.nursery is not None

        async def broken() -> None:
            raise ValueError("a bug in a background task")

        host.nursery.start_soon(broken)
        await trio.testing.wait_all_tasks_blocked()
        with pytest.raises(ValueError, match="a bug"):
            await host.aclose()


async def test_opening_cancelled_leaves_nothing_running() -> None:
    with trio.fail_after(10):
        with trio.CancelScope() as scope:
            scope.cancel()
            await HostedNursery.open()
        await trio.testing.wait_all_tasks_blocked()
        # the system task saw its scope cancelled and ended
        system = trio.lowlevel.current_root_task().child_nurseries[0].child_tasks
        assert not [task for task in system if "client nursery" in task.name]


def test_a_run_that_ends_with_the_nursery_open_does_not_hang() -> None:
    async def main() -> None:
        host = await HostedNursery.open()
        assert host.nursery is not None
        host.nursery.start_soon(trio.sleep_forever)

    trio.run(main)
