"""Realtime sessions over WebSockets (trio-websocket), for ``client.realtime.connect(...)``::

    async with client.realtime.connect(model="gpt-realtime") as conn:
        await conn.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [...]})
        await conn.response.create()
        async for event in conn:
            if event.type == "response.output_text.delta":
                print(event.delta, end="")
            elif event.type == "response.done":
                break

trio-websocket is imported when a session opens, not with this package.
"""

from __future__ import annotations

import typing as _typing

from ._connect import DEFAULT_MAX_MESSAGE_SIZE as DEFAULT_MAX_MESSAGE_SIZE
from ._connect import DEFAULT_MESSAGE_QUEUE_SIZE as DEFAULT_MESSAGE_QUEUE_SIZE
from ._connect import DEFAULT_PING_INTERVAL as DEFAULT_PING_INTERVAL
from ._connect import DEFAULT_PING_TIMEOUT as DEFAULT_PING_TIMEOUT
from ._connect import AsyncRealtimeConnectionManager as AsyncRealtimeConnectionManager
from ._errors import RealtimeEventDecodeError as RealtimeEventDecodeError
from ._errors import WebSocketConnectionClosedError as WebSocketConnectionClosedError
from ._errors import WebSocketConnectionRejectedError as WebSocketConnectionRejectedError
from ._resources import RealtimeConversationItemResource as RealtimeConversationItemResource
from ._resources import RealtimeConversationResource as RealtimeConversationResource
from ._resources import RealtimeInputAudioBufferResource as RealtimeInputAudioBufferResource
from ._resources import RealtimeOutputAudioBufferResource as RealtimeOutputAudioBufferResource
from ._resources import RealtimeResponseResource as RealtimeResponseResource
from ._resources import RealtimeSessionResource as RealtimeSessionResource
from ._sync import RealtimeConnection as RealtimeConnection
from ._sync import RealtimeConnectionManager as RealtimeConnectionManager

if _typing.TYPE_CHECKING:
    from ._connection import AsyncRealtimeConnection as AsyncRealtimeConnection

__all__ = [
    "DEFAULT_MAX_MESSAGE_SIZE",
    "DEFAULT_MESSAGE_QUEUE_SIZE",
    "DEFAULT_PING_INTERVAL",
    "DEFAULT_PING_TIMEOUT",
    "AsyncRealtimeConnection",
    "AsyncRealtimeConnectionManager",
    "RealtimeConnection",
    "RealtimeConnectionManager",
    "RealtimeConversationItemResource",
    "RealtimeConversationResource",
    "RealtimeEventDecodeError",
    "RealtimeInputAudioBufferResource",
    "RealtimeOutputAudioBufferResource",
    "RealtimeResponseResource",
    "RealtimeSessionResource",
    "WebSocketConnectionClosedError",
    "WebSocketConnectionRejectedError",
]


def __getattr__(name: str) -> _typing.Any:
    # The connection class pulls in the event types (46 modules): loaded on first use, then bound here.
    if name == "AsyncRealtimeConnection":
        from ._connection import AsyncRealtimeConnection

        globals()[name] = AsyncRealtimeConnection
        return AsyncRealtimeConnection
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
