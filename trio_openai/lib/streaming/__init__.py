"""Streaming helpers: chat completion events and Responses API events, accumulated."""

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
from .chat import ChatCompletionStream as ChatCompletionStream
from .chat import ChatCompletionStreamManager as ChatCompletionStreamManager
from .responses import ResponseStream as ResponseStream
from .responses import ResponseStreamManager as ResponseStreamManager
from .responses import ResponseStreamState as ResponseStreamState
from .responses import open_response_stream as open_response_stream

__all__ = [
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
    "open_response_stream",
]
