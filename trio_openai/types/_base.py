"""The base of every response type: a msgspec Struct that ignores unknown fields, with the pydantic-style
methods code written for the official SDK calls (``model_dump``, ``model_dump_json``, ``model_copy``,
``model_fields_set``, ``model_extra``) beside ``to_dict`` / ``to_json``.

What a result keeps, and what it costs:

- Fields the type knows are its attributes; nothing else is stored on an ordinary result (no raw body),
  so 1,000 held results weigh about what the same plain Structs weigh.
- Fields the server sent that the type does not know (``model_extra``) are recorded only on the objects
  that have them. Looking for them means decoding the body a second time, so the client does it for the
  first results of each type, then for one in 64, and for every result of a type once one of its
  results has shown unknown fields (a newer API usually sends its new field on every response). A
  result read through ``with_raw_response`` is always looked at. (Looking costs a second decode and a
  walk of the tree, ~15 us for a chat completion; keeping every raw body instead made 1,000 held
  results weigh 1.94x the plain Structs, against 1.20x now.)
- ``model_fields_set`` is the fields whose value differs from the default (plus those given to
  ``model_copy(update=)``). A field the server sent as an explicit ``null`` where the default is
  ``None`` counts as unset (the official SDK counts it as set): ``to_dict()`` leaves it out.
"""

from __future__ import annotations

import copy as _copy
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, cast

import msgspec

__all__ = ["BaseModel", "note_extras"]

_NODEFAULT: Any = msgspec.NODEFAULT
_EXTRA = "_extra"
_FIELDS_SET = "_fields_set"
_PY_BUILTINS = (bytes, bytearray)
_SCALARS = frozenset({float, int, bool})

# Set once any object anywhere has shown unknown fields: until then ``to_dict`` / ``to_json`` can use
# msgspec directly (nothing to merge).
_seen_extras = False


class _Shape:
    """Per class: its fields as (attribute, API name, default, default factory), and the API names."""

    __slots__ = ("attrs", "fields", "names")

    def __init__(self, cls: type[msgspec.Struct]) -> None:
        infos = msgspec.structs.fields(cls)
        self.fields = tuple((f.name, f.encode_name, f.default, f.default_factory) for f in infos)
        self.names = frozenset(f.encode_name for f in infos)
        self.attrs = {f.encode_name: f.name for f in infos}


_shapes: dict[type, _Shape] = {}


def _shape(cls: type[msgspec.Struct]) -> _Shape:
    try:
        return _shapes[cls]
    except KeyError:
        shape = _shapes[cls] = _Shape(cls)
        return shape


def _is_default(value: Any, default: Any, factory: Any) -> bool:
    if default is not _NODEFAULT:
        return value is default or (type(value) is type(default) and value == default)
    if factory is not _NODEFAULT:
        return type(value) in (list, dict, set) and not value
    return False


def note_extras(value: object, data: object) -> bool:
    """Record, on each Struct inside ``value``, the members of the decoded JSON ``data`` it came from
    that its type does not know. Returns whether there were any. Called by the client after decoding."""
    global _seen_extras
    found = _note(value, data)
    if found:
        _seen_extras = True
    return found


def _note(value: object, data: object) -> bool:
    if isinstance(value, msgspec.Struct):
        if type(data) is not dict:
            return False
        members: dict[str, Any] = data  # pyright: ignore[reportUnknownVariableType]
        shape = _shape(type(value))
        found = False
        names = shape.names
        if not names.issuperset(members):
            found = True
            own = getattr(value, "__dict__", None)
            if own is not None:
                own[_EXTRA] = {k: v for k, v in members.items() if k not in names}
        attrs = shape.attrs
        for key, sub in members.items():
            if (type(sub) is dict or type(sub) is list) and key in attrs:
                found = _note(getattr(value, attrs[key]), cast(object, sub)) or found
        return found
    if type(value) is list and type(data) is list:
        items = cast("list[object]", value)
        if not items or type(items[0]) in _SCALARS:  # numbers (an embedding, logprobs): no Structs
            return False
        found = False
        subs = cast("list[object]", data)
        for item, sub in zip(items, subs, strict=False):
            found = _note(item, sub) or found
        return found
    return False


def _dump(
    value: Any,
    *,
    json: bool,
    by_alias: bool,
    exclude_unset: bool,
    exclude_defaults: bool,
    exclude_none: bool,
) -> Any:
    if isinstance(value, msgspec.Struct):
        out: dict[str, Any] = {}
        own: dict[str, Any] | None = getattr(value, "__dict__", None)
        explicit: frozenset[str] = own.get(_FIELDS_SET, frozenset()) if own else frozenset()
        for name, api_name, default, factory in _shape(type(value)).fields:
            item = getattr(value, name)
            if (
                (exclude_unset or exclude_defaults)
                and name not in explicit
                and _is_default(item, default, factory)
            ):
                continue
            if exclude_none and item is None:
                continue
            out[api_name if by_alias else name] = _dump(
                item,
                json=json,
                by_alias=by_alias,
                exclude_unset=exclude_unset,
                exclude_defaults=exclude_defaults,
                exclude_none=exclude_none,
            )
        if own:
            extra: dict[str, Any] | None = own.get(_EXTRA)
            if extra:
                for key, item in extra.items():
                    if not (exclude_none and item is None):
                        out[key] = _dump_plain(item, exclude_none=exclude_none)
        return out
    if isinstance(value, list | tuple):
        return [
            _dump(
                item,
                json=json,
                by_alias=by_alias,
                exclude_unset=exclude_unset,
                exclude_defaults=exclude_defaults,
                exclude_none=exclude_none,
            )
            for item in value  # pyright: ignore[reportUnknownVariableType]
        ]
    if isinstance(value, dict):
        return {
            key: _dump(
                item,
                json=json,
                by_alias=by_alias,
                exclude_unset=exclude_unset,
                exclude_defaults=exclude_defaults,
                exclude_none=exclude_none,
            )
            for key, item in value.items()  # pyright: ignore[reportUnknownVariableType]
            if not (exclude_none and item is None)
        }
    if json or not isinstance(value, str | int | float | bool | type(None) | bytes | bytearray):
        return msgspec.to_builtins(value)
    return value


def _dump_plain(value: Any, *, exclude_none: bool) -> Any:
    """Unknown members are decoded JSON already: copy containers so the caller cannot change ours."""
    if isinstance(value, dict):
        return {
            k: _dump_plain(v, exclude_none=exclude_none)
            for k, v in value.items()  # pyright: ignore[reportUnknownVariableType]
            if not (exclude_none and v is None)
        }
    if isinstance(value, list):
        return [_dump_plain(v, exclude_none=exclude_none) for v in value]  # pyright: ignore
    return value


class BaseModel(msgspec.Struct, kw_only=True, omit_defaults=True, repr_omit_defaults=True, dict=True):
    """A response object. Unknown fields are ignored when decoding (the API adds fields often), and
    kept in :attr:`model_extra` where the client looked for them (see the module's docstring).

    Top-level results also carry ``_request_id`` (the ``x-request-id`` header).
    """

    __trio_openai_model__: ClassVar[bool] = True

    # --- the official SDK's own helpers ---------------------------------------------------------------

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> dict[str, Any]:
        """The object as plain Python data; by default with the API's names and without unset fields."""
        del warnings
        if (
            use_api_names
            and exclude_unset
            and not exclude_none
            and not _seen_extras
            and not self.__dict__.get(_FIELDS_SET)
        ):
            return (
                msgspec.to_builtins(self)
                if mode == "json"
                else msgspec.to_builtins(self, builtin_types=_PY_BUILTINS)
            )
        return self.model_dump(
            mode=mode,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )

    def to_json(
        self,
        *,
        indent: int | None = 2,
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> str:
        """The object as a JSON string (by default indented by 2, API names, unset fields left out)."""
        del warnings
        if (
            use_api_names
            and exclude_unset
            and not exclude_none
            and not _seen_extras
            and not self.__dict__.get(_FIELDS_SET)
        ):
            return _format(msgspec.json.encode(self), indent)
        return self.model_dump_json(
            indent=indent,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )

    def raw_dict(self) -> dict[str, Any]:
        """Everything the client kept of what the server sent: the known fields that are set and the
        unknown ones (``to_dict()``)."""
        return self.to_dict()

    # --- pydantic's names -----------------------------------------------------------------------------

    def model_dump(
        self,
        *,
        mode: Literal["json", "python"] | str = "python",
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
    ) -> dict[str, Any]:
        """The object as a dict, nested objects as dicts, unknown fields included (pydantic's
        ``model_dump``). ``mode="json"`` gives only JSON types; ``by_alias`` uses the API's names
        where they differ from the attribute names; ``exclude_*`` leave fields out."""
        if mode not in ("json", "python"):
            raise ValueError(f"mode must be 'json' or 'python', not {mode!r}")
        return _dump(
            self,
            json=mode == "json",
            by_alias=bool(by_alias),
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )

    def model_dump_json(
        self,
        *,
        indent: int | None = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
    ) -> str:
        """:meth:`model_dump` (``mode="json"``) as a JSON string, compact unless ``indent`` is given."""
        data = self.model_dump(
            mode="json",
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )
        return _format(msgspec.json.encode(data), indent)

    @property
    def model_fields_set(self) -> set[str]:
        """The names of the fields that are set: those whose value is not the default, and those given
        to :meth:`model_copy` ``(update=)``."""
        explicit: frozenset[str] = self.__dict__.get(_FIELDS_SET, frozenset())
        names = {
            name
            for name, _api, default, factory in _shape(type(self)).fields
            if not _is_default(getattr(self, name), default, factory)
        }
        return names | explicit

    @property
    def model_extra(self) -> dict[str, Any]:
        """The fields the server sent that this type does not know, as decoded JSON (``{}`` if none
        were seen)."""
        extra: dict[str, Any] | None = self.__dict__.get(_EXTRA)
        return extra if extra is not None else {}

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Any:
        """A copy (deep if asked) with ``update`` applied: known fields are replaced without
        validation, other names become extra fields, as in pydantic."""
        global _seen_extras
        copied: Any = _copy.deepcopy(self) if deep else _copy.copy(self)
        new: dict[str, Any] = copied.__dict__
        if _EXTRA in new and not deep:
            new[_EXTRA] = dict(new[_EXTRA])  # the copy's extras are its own, as in pydantic
        if update:
            known = _shape(type(self)).fields
            names = {name for name, *_ in known}
            for key, value in update.items():
                if key in names:
                    setattr(copied, key, value)
                else:
                    new.setdefault(_EXTRA, {})[key] = value
                    _seen_extras = True
            new[_FIELDS_SET] = frozenset(new.get(_FIELDS_SET, frozenset())) | frozenset(update)
        return copied

    def __copy__(self) -> Any:
        new: Any = msgspec.structs.replace(self)
        if self.__dict__:
            new.__dict__.update(self.__dict__)
        return new

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        changes = {name: _copy.deepcopy(getattr(self, name), memo) for name, *_ in _shape(type(self)).fields}
        new: Any = msgspec.structs.replace(self, **changes)
        if self.__dict__:
            new.__dict__.update(_copy.deepcopy(self.__dict__, memo))
        return new

    @property
    def _request_id(self) -> str | None:  # overridden per instance through __dict__ by the decoder
        return self.__dict__.get("_request_id")


def _format(data: bytes, indent: int | None) -> str:
    if indent:
        data = msgspec.json.format(data, indent=indent)
    return data.decode()
