"""Bounded cleanup: work that must finish even when the caller is cancelled, but can never hang.

``with shielded():`` (or ``shielded(seconds)``) is a ``trio.CancelScope`` that outer cancellation does
not reach and whose own deadline, ``seconds`` after it is entered, ends the cleanup if the peer stalls.
Every site that releases a connection or closes a transport on the way out uses it; a bare
``shield=True`` elsewhere in the package fails ``tests/core/test_cleanup.py``.
"""

from __future__ import annotations

import trio

__all__ = ["CLEANUP_SECONDS", "shielded"]

#: How long cleanup may take by default before it is given up.
CLEANUP_SECONDS = 5.0


def shielded(seconds: float = CLEANUP_SECONDS) -> trio.CancelScope:
    """A shielded cancel scope with a deadline ``seconds`` after it is entered."""
    scope = trio.CancelScope(shield=True)
    scope.relative_deadline = seconds
    return scope
