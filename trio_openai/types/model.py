from __future__ import annotations

from typing import Literal

from ._base import BaseModel

__all__ = ["Model", "ModelDeleted"]


class Model(BaseModel, kw_only=True):
    """A model the API offers."""

    id: str
    created: int
    object: Literal["model"] | str = "model"
    owned_by: str


class ModelDeleted(BaseModel, kw_only=True):
    id: str
    deleted: bool
    object: str
