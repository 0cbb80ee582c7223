"""``client.beta.chat``: the official SDK's older path to ``chat.completions.parse`` / ``.stream``.

It is the client's ``chat`` resource itself, so ``client.beta.chat.completions.parse(...)`` and
``client.chat.completions.parse(...)`` are the same method.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...resources.chat import AsyncChat, Chat

__all__ = ["beta_chat", "sync_beta_chat"]


def _async_chat(self: Any) -> AsyncChat:
    return self._client.chat


def _sync_chat(self: Any) -> Chat:
    return self._client.chat


beta_chat = property(
    _async_chat, doc="The ``chat`` resource (``beta.chat.completions.parse`` is ``chat.completions.parse``)."
)
sync_beta_chat = property(
    _sync_chat, doc="The ``chat`` resource (``beta.chat.completions.parse`` is ``chat.completions.parse``)."
)
