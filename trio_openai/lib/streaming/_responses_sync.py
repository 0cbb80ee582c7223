"""``OpenAI().responses.stream(...)``: the Responses stream helper for blocking code.

::

    with client.responses.stream(model="gpt-4o", input="Say hi") as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                print(event.delta, end="")
        response = stream.get_final_response()

The same events and response as the async helper (:mod:`.responses`), which does the work in the
portal; ``response_id=`` / ``starting_after=`` resume a response as there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._responses_types import Response, ResponseStreamEvent
from ._sync_base import SyncHelperStream, SyncHelperStreamManager
from .responses import ResponseStream, open_response_stream

if TYPE_CHECKING:
    from ..._blocking._bridge import SyncAPIResource
    from ..._core._resource import AsyncAPIResource
    from .._parsing._responses_types import ParsedResponse

__all__ = ["SyncResponseStream", "SyncResponseStreamManager", "sync_response_stream_method"]


class SyncResponseStream(SyncHelperStream[ResponseStreamEvent, ResponseStream[Any]]):
    """The events of one streamed response (blocking), and the response they end with."""

    __slots__ = ()

    @property
    def current_snapshot(self) -> Response | None:
        return self._async.current_snapshot

    def get_final_response(self) -> ParsedResponse[Any]:
        """Read to the end and return the response of the terminal event (completed, failed or
        incomplete: check ``status``)."""
        return self._portal.call(self._async.get_final_response)


SyncResponseStreamManager = SyncHelperStreamManager[ResponseStream[Any], SyncResponseStream]


def sync_response_stream_method(
    self: SyncAPIResource[Any],
    *,
    response_id: str | None = None,
    starting_after: int | None = None,
    **params: Any,
) -> SyncResponseStreamManager:
    """Stream a new response (the ``responses.create`` parameters and request options) or resume one
    (``response_id=``, ``starting_after=``): ``with client.responses.stream(...) as stream``."""
    responses: AsyncAPIResource = self._async  # the async twin, on the async client
    manager = open_response_stream(
        responses._client, response_id=response_id, starting_after=starting_after, **params
    )
    return SyncHelperStreamManager(manager, self._client, SyncResponseStream)
