"""``client.beta.chat``: the official SDK's older path to ``chat.completions.parse`` / ``.stream``.

It is the client's ``chat`` resource itself, so ``client.beta.chat.completions.parse(...)`` and
``client.chat.completions.parse(...)`` are the same method.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Generic, Self, TypeVar, cast, overload

if TYPE_CHECKING:
    from ..._blocking._bridge import SyncAPIResource
    from ..._client import AsyncOpenAI
    from ..._core._resource import AsyncAPIResource
    from ..._sync import OpenAI
    from ...resources.chat import AsyncChat, Chat

__all__ = ["ResourceAlias", "beta_chat", "sync_beta_chat"]

R = TypeVar("R")


class ResourceAlias(property, Generic[R]):
    """A read-only property whose value is another resource of the client (typed: reading it on an
    instance gives an ``R``, on the class the property itself)."""

    def __init__(self, fget: Callable[[Any], R], doc: str) -> None:
        super().__init__(fget, doc=doc)
        self.__doc__ = doc  # a subclass's own docstring would shadow the property's

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None, /) -> Self: ...
    @overload
    def __get__(self, instance: object, owner: type[Any] | None = None, /) -> R: ...
    def __get__(self, instance: object, owner: type[Any] | None = None, /) -> Any:
        return super().__get__(instance, owner)


# `beta` hangs off the client's resource tree only, so its client is the full one.
def _async_chat(self: AsyncAPIResource) -> AsyncChat:
    return cast("AsyncOpenAI", self._client).chat


def _sync_chat(self: SyncAPIResource[Any]) -> Chat:
    return cast("OpenAI", self._client).chat


_DOC = "The ``chat`` resource (``beta.chat.completions.parse`` is ``chat.completions.parse``)."

beta_chat: Final[ResourceAlias[AsyncChat]] = ResourceAlias(_async_chat, doc=_DOC)
sync_beta_chat: Final[ResourceAlias[Chat]] = ResourceAlias(_sync_chat, doc=_DOC)
