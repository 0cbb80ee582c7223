"""``OpenAI().chat.completions.stream(...)``: the chat stream helper for blocking code.

::

    with client.chat.completions.stream(model="gpt-4o", messages=[...]) as stream:
        for event in stream:
            if event.type == "content.delta":
                print(event.delta, end="")
        completion = stream.get_final_completion()

The same events and completion as the async helper (:mod:`.chat`), which does the work in the portal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Unpack

from ..._core._options import Omit, omit
from .._chat_params import ChatCompletionRequestParams
from ._chat_events import ChatCompletionStreamEvent
from ._sync_base import SyncHelperStream, SyncHelperStreamManager
from .chat import ChatCompletionStream, chat_completion_stream

if TYPE_CHECKING:
    from ..._blocking._bridge import SyncAPIResource
    from ...types import ChatCompletion
    from .._parsing._chat_types import ParsedChatCompletion

__all__ = ["SyncChatCompletionStream", "SyncChatCompletionStreamManager", "sync_chat_completion_stream"]


T = TypeVar("T")


class SyncChatCompletionStream(
    SyncHelperStream[ChatCompletionStreamEvent, ChatCompletionStream[Any]], Generic[T]
):
    """The events of one streamed chat completion (blocking), and the completion they add up to."""

    __slots__ = ()

    @property
    def current_completion_snapshot(self) -> ChatCompletion:
        return self._async.current_completion_snapshot

    def get_final_completion(self) -> ParsedChatCompletion[T]:
        """Read the stream to its end and return the accumulated completion (parsed as asked)."""
        return self._portal.call(self._async.get_final_completion)


SyncChatCompletionStreamManager = SyncHelperStreamManager[
    ChatCompletionStream[Any], SyncChatCompletionStream[Any]
]


def sync_chat_completion_stream(
    self: SyncAPIResource[Any],
    *,
    messages: Iterable[Mapping[str, Any]],
    model: str,
    response_format: type[T] | Mapping[str, Any] | Omit = omit,
    tools: Iterable[Mapping[str, Any]] | Omit = omit,
    **params: Unpack[ChatCompletionRequestParams],
) -> SyncChatCompletionStreamManager:
    """Stream a chat completion as typed events: ``with client.chat.completions.stream(model=...,
    messages=[...]) as stream``. Takes the parameters of ``chat.completions.create``."""
    manager = chat_completion_stream(
        self._async, messages=messages, model=model, response_format=response_format, tools=tools, **params
    )
    return SyncHelperStreamManager(manager, self._client, SyncChatCompletionStream)
