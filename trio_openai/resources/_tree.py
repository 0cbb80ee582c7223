"""The top-level resources of a client, each built on first access."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .chat import AsyncChat
    from .models import AsyncModels

__all__ = ["AsyncResourceTree"]


class AsyncResourceTree:
    @cached_property
    def models(self) -> AsyncModels:
        from .models import AsyncModels

        return AsyncModels(self)  # type: ignore[arg-type]

    @cached_property
    def chat(self) -> AsyncChat:
        from .chat import AsyncChat

        return AsyncChat(self)  # type: ignore[arg-type]
