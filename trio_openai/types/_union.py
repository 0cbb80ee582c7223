"""Runtime support for the generated types: open enums and tagged unions with a fallback.

``OpenEnum[Literal["a", "b"]]`` is ``Literal["a", "b"] | str`` to a type checker and plain ``str`` to
msgspec, so a value the server adds later still decodes.

``tagged_union(...)`` builds the runtime stand-in of a union of response objects: msgspec hands it the
decoded JSON, it picks the variant from the tag (``{"type": "message", ...}`` -> ``Message``), tries
the untagged variants in order, and keeps anything else as an :class:`UnknownVariant` with the raw
payload instead of failing the whole response. The type checker sees the plain union.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, TypeVar, cast

import msgspec

from .._core._decoding import DECODE_HOOK_ATTR, convert
from ._base import BaseModel

__all__ = ["REQUIRED", "OpenEnum", "UnknownVariant", "tagged_union"]

#: The default of a field the spec marks required. A response that leaves it out still decodes (the
#: attribute is then ``None``); the annotation keeps saying what the API promises.
REQUIRED: Any = None

_T = TypeVar("_T")

if TYPE_CHECKING:
    OpenEnum: TypeAlias = _T | str
else:

    class OpenEnum:
        """``OpenEnum[X]`` is ``str`` at runtime."""

        def __class_getitem__(cls, item: object) -> type[str]:
            return str


class UnknownVariant(BaseModel, kw_only=True):
    """A union member this version of the library does not know (a newer API feature).

    ``type`` is the tag the server sent, ``raw`` the whole object as decoded JSON.
    """

    type: str | None = None
    raw: dict[str, Any] = {}


class _UnionMeta(type):
    """msgspec checks that a decode hook returns an instance of the type it was asked for: for a union
    marker, every variant it handed out counts as one, and so does an instance of any variant it
    declares (``isinstance(msg, ChatCompletionMessageParam)`` for a message built by hand)."""

    _members: set[type]

    def __instancecheck__(cls, obj: object) -> bool:
        if type(obj) in cls._members:
            return True
        union = cast("type[_TaggedUnion]", cls)
        if union._resolved is None:
            union._resolved = (union._lookup[0](), union._lookup[1]())
        tagged, others = union._resolved
        for variant in (*tagged.values(), *others):
            if isinstance(variant, type) and isinstance(obj, variant):
                return True
        return False


class _TaggedUnion(metaclass=_UnionMeta):
    """A marker: instances are the variants it decoded."""

    _name: ClassVar[str]
    _tag: ClassVar[str | None]
    _lookup: ClassVar[tuple[Callable[[], Mapping[str, Any]], Callable[[], tuple[Any, ...]]]]
    _resolved: ClassVar[tuple[Mapping[str, Any], tuple[Any, ...]] | None] = None

    @classmethod
    def _decode(cls, obj: object) -> object:
        value = cls._match(obj)
        if value is not None:
            return value
        if isinstance(obj, dict):
            fields = cast("dict[str, Any]", obj)
            tag = next(
                (fields[k] for k in (cls._tag, "type", "event") if k and isinstance(fields.get(k), str)), None
            )
            return cls._accept(UnknownVariant(type=tag, raw=fields))
        raise ValueError(f"Expected a {cls._name}")

    @classmethod
    def _match(cls, obj: object) -> object | None:
        """The variant ``obj`` decodes as, or ``None`` when it is none of them (a union nested in
        another one must say so rather than fall back, so the outer union can try its other variants)."""
        if cls._resolved is None:
            cls._resolved = (cls._lookup[0](), cls._lookup[1]())
        tagged, others = cls._resolved
        fields = _fields(obj)
        tag = fields.get(cls._tag) if fields is not None and cls._tag is not None else None
        variant = tagged.get(tag) if isinstance(tag, str) else None
        mismatch: msgspec.ValidationError | None = None
        if variant is not None:
            try:
                return cls._accept(convert(obj, variant))
            except msgspec.ValidationError as exc:
                # Variants may share a tag (user, system and assistant messages are all "message",
                # told apart by "role"): the others are tried before the tagged one's error counts.
                if not others:
                    raise
                mismatch = exc
        for variant in _by_fit(fields, others):
            if isinstance(variant, _UnionMeta):
                inner = cast("type[_TaggedUnion]", variant)._match(obj)
                if inner is not None:
                    return cls._accept(inner)
                continue
            try:
                return cls._accept(convert(obj, variant))
            except msgspec.ValidationError:
                continue
        if mismatch is not None:
            raise mismatch
        return None

    @classmethod
    def _accept(cls, value: object) -> object:
        cls._members.add(type(value))
        return value


def _fields(obj: object) -> dict[str, Any] | None:
    return cast("dict[str, Any]", obj) if isinstance(obj, dict) else None


def _by_fit(fields: dict[str, Any] | None, variants: tuple[Any, ...]) -> list[Any]:
    """For an object, the Struct variants that share the most keys with it come first."""
    if fields is None:
        return list(variants)
    keys = set(fields)

    def misfit(variant: Any) -> int:
        names: tuple[str, ...] | None = getattr(variant, "__struct_encode_fields__", None)
        if names is None:
            return 0
        known = set(names)
        return len(keys - known) - len(keys & known)

    return sorted(variants, key=misfit)


def tagged_union(
    name: str,
    tag: str | None,
    tagged: Callable[[], Mapping[str, Any]],
    others: Callable[[], tuple[Any, ...]],
) -> type:
    """The runtime class standing for a generated union (its variants are looked up lazily, so
    modules can refer to each other freely)."""
    cls = _UnionMeta(
        name,
        (_TaggedUnion,),
        {"_name": name, "_tag": tag, "_lookup": (tagged, others), "_members": set[type]()},
    )
    setattr(cls, DECODE_HOOK_ATTR, cls._decode)  # pyright: ignore[reportAttributeAccessIssue]
    return cls
