"""``_core._cleanup.shielded``: cleanup survives the caller's cancellation but is bounded; and it is the
only way the package shields (a bare ``shield=True`` anywhere else fails here)."""

from __future__ import annotations

import ast
from pathlib import Path

import trio
import trio.testing

from trio_openai._core._cleanup import CLEANUP_SECONDS, shielded

PACKAGE = Path(__file__).resolve().parents[2] / "trio_openai"


async def test_shielded_outlives_cancellation_and_is_bounded(autojump_clock: trio.testing.MockClock) -> None:
    finished: list[str] = []
    with trio.move_on_after(1):
        try:
            await trio.sleep_forever()
        finally:
            start = trio.current_time()
            with shielded(3.0) as scope:
                await trio.sleep(1)  # the outer cancellation does not reach this
                finished.append("short")
                await trio.sleep(10)  # but the cleanup's own deadline does
                finished.append("long")
            assert scope.cancelled_caught
            assert trio.current_time() - start == 3.0
    assert finished == ["short"]
    assert CLEANUP_SECONDS == 5.0
    with shielded() as scope:
        await trio.sleep(6)
    assert scope.cancelled_caught


def test_no_bare_shield_outside_the_helper() -> None:
    offenders: list[str] = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "_cleanup.py" and path.parent.name == "_core":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.keyword) and node.arg == "shield":
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.value.lineno}")
            if isinstance(node, ast.Attribute) and node.attr == "shield" and isinstance(node.ctx, ast.Store):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == [], "use _core._cleanup.shielded(seconds) for bounded, shielded cleanup"
