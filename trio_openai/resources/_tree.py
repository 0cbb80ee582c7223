"""The top-level resources of a client, each built on first access."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from .._client import AsyncOpenAI
    from .._sync import OpenAI
    from .chat import AsyncChat, Chat
    from .models import AsyncModels, Models

__all__ = ["AsyncResourceTree", "ResourceTree"]


class AsyncResourceTree:
    @cached_property
    def models(self) -> AsyncModels:
        from .models import AsyncModels

        return AsyncModels(self)  # type: ignore[arg-type]

    @cached_property
    def chat(self) -> AsyncChat:
        from .chat import AsyncChat

        return AsyncChat(self)  # type: ignore[arg-type]


# --- blocking client (trio_openai.OpenAI) -------------------------------------------------------------
# Each property pairs the blocking resource with the async client's resource of the same name.


class ResourceTree:
    _async: AsyncOpenAI

    def _sync_client(self) -> OpenAI:
        return cast("OpenAI", cast(Any, self))

    @cached_property
    def models(self) -> Models:
        from .models import Models

        return Models(self._sync_client(), self._async.models)

    @cached_property
    def chat(self) -> Chat:
        from .chat import Chat

        return Chat(self._sync_client(), self._async.chat)
