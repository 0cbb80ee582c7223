"""``client.chat``."""

from ._chat import AsyncChat

__all__ = ["AsyncChat"]
