"""Exception groups from our own nurseries, handed to users as the one exception inside."""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager

import trio

__all__ = ["single_exception", "unwrap_single"]


def single_exception(group: BaseExceptionGroup[BaseException]) -> BaseException | None:
    """The one exception that matters inside (possibly nested) groups, or ``None`` when several do.

    ``Cancelled`` leaves beside one real error are noise (trio delivers the cancellation again at
    the next checkpoint); a group made only of ``Cancelled`` stands for one ``Cancelled``.
    """
    leaves: list[BaseException] = []
    pending: list[BaseException] = [group]
    while pending:
        current = pending.pop()
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
        else:
            leaves.append(current)
    real = [leaf for leaf in leaves if not isinstance(leaf, trio.Cancelled)]
    if len(real) == 1:
        return real[0]
    if not real and leaves:
        return leaves[0]
    return None


@contextmanager
def unwrap_single() -> Generator[None]:
    """Re-raise a group holding a single exception as that exception (several stay a group).

    The nurseries inside this library exist to bound background work; the caller should see the
    ``NotFoundError`` or ``KeyboardInterrupt`` that happened, not a group around it.
    """
    try:
        yield
    except BaseExceptionGroup as group:
        leaf = single_exception(group)
        if leaf is None:
            raise
        context = leaf.__context__
        try:
            raise leaf  # the group is scaffolding, not a cause
        finally:
            leaf.__context__ = context
