"""Streaming helpers: chat completion events and Responses API events, accumulated; agent session turns.

Names load on first use, so the chat helper does not pull in the Responses types (and back).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._agent_results import AgentOutputParseError as AgentOutputParseError
    from .._agent_results import AgentResultArtifacts as AgentResultArtifacts
    from .._agent_results import AgentTurnResult as AgentTurnResult
    from .._agent_results import AgentTurnResultError as AgentTurnResultError
    from .._agent_results import AsyncAgentResultArtifacts as AsyncAgentResultArtifacts
    from ._chat_events import ChatCompletionStreamEvent as ChatCompletionStreamEvent
    from ._chat_events import ChunkEvent as ChunkEvent
    from ._chat_events import ContentDeltaEvent as ContentDeltaEvent
    from ._chat_events import ContentDoneEvent as ContentDoneEvent
    from ._chat_events import FunctionToolCallArgumentsDeltaEvent as FunctionToolCallArgumentsDeltaEvent
    from ._chat_events import FunctionToolCallArgumentsDoneEvent as FunctionToolCallArgumentsDoneEvent
    from ._chat_events import LogprobsContentDeltaEvent as LogprobsContentDeltaEvent
    from ._chat_events import LogprobsContentDoneEvent as LogprobsContentDoneEvent
    from ._chat_events import LogprobsRefusalDeltaEvent as LogprobsRefusalDeltaEvent
    from ._chat_events import LogprobsRefusalDoneEvent as LogprobsRefusalDoneEvent
    from ._chat_events import RefusalDeltaEvent as RefusalDeltaEvent
    from ._chat_events import RefusalDoneEvent as RefusalDoneEvent
    from ._chat_state import ChatCompletionStreamState as ChatCompletionStreamState
    from ._chat_sync import SyncChatCompletionStream as SyncChatCompletionStream
    from ._chat_sync import SyncChatCompletionStreamManager as SyncChatCompletionStreamManager
    from ._responses_sync import SyncResponseStream as SyncResponseStream
    from ._responses_sync import SyncResponseStreamManager as SyncResponseStreamManager
    from .agents import AgentSessionStream as AgentSessionStream
    from .agents import AgentToolError as AgentToolError
    from .agents import AsyncAgentSessionStream as AsyncAgentSessionStream
    from .chat import ChatCompletionStream as ChatCompletionStream
    from .chat import ChatCompletionStreamManager as ChatCompletionStreamManager
    from .responses import ResponseStream as ResponseStream
    from .responses import ResponseStreamManager as ResponseStreamManager
    from .responses import ResponseStreamState as ResponseStreamState
    from .responses import open_response_stream as open_response_stream

_MODULES = {
    "AgentSessionStream": ".agents",
    "AgentToolError": ".agents",
    "AsyncAgentSessionStream": ".agents",
    "AgentOutputParseError": ".._agent_results",
    "AgentResultArtifacts": ".._agent_results",
    "AgentTurnResult": ".._agent_results",
    "AgentTurnResultError": ".._agent_results",
    "AsyncAgentResultArtifacts": ".._agent_results",
    "ChatCompletionStreamEvent": "._chat_events",
    "ChunkEvent": "._chat_events",
    "ContentDeltaEvent": "._chat_events",
    "ContentDoneEvent": "._chat_events",
    "FunctionToolCallArgumentsDeltaEvent": "._chat_events",
    "FunctionToolCallArgumentsDoneEvent": "._chat_events",
    "LogprobsContentDeltaEvent": "._chat_events",
    "LogprobsContentDoneEvent": "._chat_events",
    "LogprobsRefusalDeltaEvent": "._chat_events",
    "LogprobsRefusalDoneEvent": "._chat_events",
    "RefusalDeltaEvent": "._chat_events",
    "RefusalDoneEvent": "._chat_events",
    "ChatCompletionStreamState": "._chat_state",
    "ChatCompletionStream": ".chat",
    "ChatCompletionStreamManager": ".chat",
    "ResponseStream": ".responses",
    "ResponseStreamManager": ".responses",
    "ResponseStreamState": ".responses",
    "open_response_stream": ".responses",
    "SyncChatCompletionStream": "._chat_sync",
    "SyncChatCompletionStreamManager": "._chat_sync",
    "SyncResponseStream": "._responses_sync",
    "SyncResponseStreamManager": "._responses_sync",
}

__all__ = [
    "AgentOutputParseError",
    "AgentResultArtifacts",
    "AgentSessionStream",
    "AgentToolError",
    "AgentTurnResult",
    "AgentTurnResultError",
    "AsyncAgentResultArtifacts",
    "AsyncAgentSessionStream",
    "ChatCompletionStream",
    "ChatCompletionStreamEvent",
    "ChatCompletionStreamManager",
    "ChatCompletionStreamState",
    "ChunkEvent",
    "ContentDeltaEvent",
    "ContentDoneEvent",
    "FunctionToolCallArgumentsDeltaEvent",
    "FunctionToolCallArgumentsDoneEvent",
    "LogprobsContentDeltaEvent",
    "LogprobsContentDoneEvent",
    "LogprobsRefusalDeltaEvent",
    "LogprobsRefusalDoneEvent",
    "RefusalDeltaEvent",
    "RefusalDoneEvent",
    "ResponseStream",
    "ResponseStreamManager",
    "ResponseStreamState",
    "SyncChatCompletionStream",
    "SyncChatCompletionStreamManager",
    "SyncResponseStream",
    "SyncResponseStreamManager",
    "open_response_stream",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
