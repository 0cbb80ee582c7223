"""Errors raised by the blocking portal (see ``_portal``)."""

from __future__ import annotations

__all__ = ["BlockingCallInTrioError", "CallInterruptedError", "PortalClosedError", "PortalError"]


class PortalError(RuntimeError):
    """Base class for errors raised by the portal itself (never by the code it runs)."""


class PortalClosedError(PortalError):
    """The portal closed (or its thread died) before the call could finish."""


class BlockingCallInTrioError(PortalError):
    """A blocking call was made from a thread that is running trio.

    Blocking there would freeze that event loop (or, in the portal's own thread, deadlock), so the
    portal refuses at once. The message tells the user what to use instead.
    """


class CallInterruptedError(PortalError):
    """The call was cancelled because its caller was interrupted.

    The interrupted caller itself sees the interruption (KeyboardInterrupt), not this; it only
    shows up where a cancelled job's outcome is observed later.
    """
