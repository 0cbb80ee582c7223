"""``client.chat``."""

from ._chat import AsyncChat, Chat

__all__ = ["AsyncChat", "Chat"]
