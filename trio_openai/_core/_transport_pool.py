"""trio_openai's connection pool: httpcore2's pool, with every connection it creates guarded.

``Pool`` is an ``httpcore2.AsyncConnectionPool`` whose ``create_connection`` wraps what httpcore2 builds
(direct, HTTP-proxy forward or tunnel, SOCKS) in :class:`GuardedConnection`, so a connection left out
of step by a server that sent more than it declared is closed instead of being handed to the next
caller, and closes the sockets of a connection set-up that failed half way (see ``_transport_guard``). It
counts its queued requests itself (``queued_requests``). Everything else (limits, keep-alive expiry, HTTP/2) is httpcore2's.
"""

from __future__ import annotations

import httpcore2

from ._transport_guard import GuardCounters, GuardedConnection, TrackingBackend

__all__ = ["Pool"]


class Pool(httpcore2.AsyncConnectionPool):
    """An httpcore2 pool whose connections never carry a previous response's surplus bytes."""

    def __init__(self, **kwargs: object) -> None:
        backend = kwargs.get("network_backend")
        if isinstance(backend, httpcore2.AsyncNetworkBackend):
            kwargs["network_backend"] = TrackingBackend(backend)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.guard = GuardCounters()

    @property
    def queued_requests(self) -> int:
        """Requests waiting for a connection (see :class:`GuardCounters`)."""
        return len(self.guard.waiting)

    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response:
        waiting = self.guard.waiting
        waiting.add(id(request))
        try:
            return await super().handle_async_request(request)
        finally:
            waiting.discard(id(request))  # answered, failed or cancelled: no longer queued

    def create_connection(self, origin: httpcore2.Origin) -> httpcore2.AsyncConnectionInterface:
        return GuardedConnection(super().create_connection(origin), self.guard)
