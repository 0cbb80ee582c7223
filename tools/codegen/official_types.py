"""Record the official ``openai`` SDK's type names as facts: which names each ``openai.types`` package
exports, which types each method parameter, each model field and each request field refers to, and the
field names and tag of each class.

The generator pairs these with its own declarations (``_official_names.py``) to give every official
name an alias in the same package (``trio_openai.types.chat.ChatCompletion``). Nothing of the SDK's code
or text is kept: only names and the shape of references. Written to ``official_types.json`` beside this
file; rerun when the official SDK is upgraded::

    python -m tools.codegen.official_types
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import sys
import typing
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("official_types.json")
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PREFIX = "openai.types"
_OPTION_PARAMS = {"extra_headers", "extra_query", "extra_body", "timeout", "self"}


def _not_types() -> frozenset[str]:
    """Names the SDK's modules import from ``typing`` and its own helpers: not API types."""
    import openai._types

    return frozenset(vars(typing)) | frozenset(vars(openai._types))


_NOT_TYPES = _not_types()


def _rel(module: str) -> str:
    return module.removeprefix(_PREFIX).removeprefix(".")


class _Index:
    """Official type objects by identity -> a stable key (``chat.chat_completion:Choice``)."""

    def __init__(self) -> None:
        self.packages: dict[str, dict[str, str]] = {}  # package -> exported name -> key
        self.by_id: dict[int, str] = {}
        self.objects: dict[str, Any] = {}
        import openai.types as root

        mods = [root.__name__] + [m.name for m in pkgutil.walk_packages(root.__path__, _PREFIX + ".")]
        for name in mods:
            mod = importlib.import_module(name)
            for attr, value in vars(mod).items():
                if attr.startswith("_") or not attr[:1].isupper():
                    continue
                key = self._key(value, _rel(name), attr)
                if key is None:
                    continue
                self.by_id.setdefault(id(value), key)
                self.objects.setdefault(key, value)
                if getattr(mod, "__path__", None) is not None:  # a package: its public names
                    self.packages.setdefault(_rel(name), {})[attr] = key

    @staticmethod
    def _key(value: Any, module: str, attr: str) -> str | None:
        if inspect.isclass(value):
            mod = getattr(value, "__module__", "")
            if not mod.startswith(_PREFIX):
                return None
            return f"{_rel(mod)}:{value.__qualname__}"
        if attr in _NOT_TYPES:
            return None
        if typing.get_origin(value) is not None or type(value).__name__ in ("TypeAliasType", "UnionType"):
            return f"{module}:{attr}"
        return None

    def refs(self, ann: Any, namespace: dict[str, Any]) -> list[str]:
        """The official types an annotation names (a string is read in `namespace`), "?" for a name
        that is not an official type."""
        out: list[str] = []
        self._walk(ann, namespace, out)
        return out

    def _walk(self, ann: Any, namespace: dict[str, Any], out: list[str]) -> None:
        if isinstance(ann, typing.ForwardRef):
            ann = ann.__forward_arg__
        if isinstance(ann, str):
            for token in _TOKEN.findall(ann):
                if not token[:1].isupper() or token in ("Required", "NotRequired", "Literal", "Optional"):
                    continue
                value = namespace.get(token)
                if value is None:
                    continue
                key = self.by_id.get(id(value))
                if key is not None:
                    out.append(key)
                elif inspect.isclass(value) and value.__module__.startswith(_PREFIX):
                    out.append(self._key(value, "", token) or "?")
            return
        key = self.by_id.get(id(ann))
        if key is not None:
            out.append(key)
            return
        if inspect.isclass(ann) and getattr(ann, "__module__", "").startswith(_PREFIX):
            out.append(self._key(ann, "", ann.__name__) or "?")
            return
        for arg in typing.get_args(ann):
            if isinstance(arg, str | typing.ForwardRef) or not isinstance(arg, int | bool | bytes):
                self._walk(arg, namespace, out)


def _fields(index: _Index, cls: Any) -> dict[str, list[str]]:
    namespace = vars(sys.modules[cls.__module__])
    fields: dict[str, Any] = {}
    model_fields = getattr(cls, "model_fields", None)
    if isinstance(model_fields, dict):
        for name, info in typing.cast(dict[str, Any], model_fields).items():
            fields[info.alias or name] = info.annotation
    else:
        for klass in reversed(cls.__mro__):
            fields.update(getattr(klass, "__annotations__", {}))
    return {name: refs for name, ann in fields.items() if (refs := index.refs(ann, namespace))}


_TAG_FIELDS = ("type", "object", "event")


def _is_typeddict(cls: Any) -> bool:
    import typing_extensions  # the SDK's TypedDicts are typing_extensions' ones

    return typing_extensions.is_typeddict(cls) or typing.is_typeddict(cls)


def _shape(cls: Any) -> dict[str, Any]:
    """A class's field names (as sent), whether it is a request type (a TypedDict) and its tag (the one value of a ``type`` / ``object`` / ``event``
    literal), which tell a pairing made by position that it paired two different things."""
    fields: dict[str, Any] = {}
    model_fields = getattr(cls, "model_fields", None)
    if isinstance(model_fields, dict):
        for name, info in typing.cast(dict[str, Any], model_fields).items():
            fields[info.alias or name] = info.annotation
    else:
        try:  # a TypedDict's annotations are strings until resolved
            fields = typing.get_type_hints(cls, include_extras=True)
        except Exception:
            for klass in reversed(cls.__mro__):
                fields.update(getattr(klass, "__annotations__", {}))
    out: dict[str, Any] = {"fields": " ".join(sorted(fields))}
    if _is_typeddict(cls):
        out["request"] = True
    for name in _TAG_FIELDS:
        ann = fields.get(name)
        while typing.get_origin(ann) in (typing.Required, typing.NotRequired, typing.Annotated):
            ann = typing.get_args(ann)[0]
        values = typing.get_args(ann) if typing.get_origin(ann) is typing.Literal else ()
        if len(values) == 1 and isinstance(values[0], str):
            out["tag"] = values[0]
            break
    return out


def record() -> dict[str, Any]:
    import openai
    from openai._resource import SyncAPIResource

    from .official import _resources  # the same walk as the attribute-path recording

    index = _Index()
    types: dict[str, Any] = {}
    shapes: dict[str, Any] = {}
    for key, value in sorted(index.objects.items()):
        if inspect.isclass(value):
            types[key] = _fields(index, value)
            shapes[key] = _shape(value)
        else:
            mod = sys.modules[f"{_PREFIX}.{key.partition(':')[0]}".rstrip(".")]
            refs: list[str] = []
            for arg in typing.get_args(value):  # the alias's members, not the alias itself
                refs += index.refs(arg, vars(mod))
            types[key] = {"": refs}
    client = openai.OpenAI(api_key="k", admin_api_key="a", base_url="http://x/v1")
    methods: dict[str, Any] = {}
    for rpath, resource in _resources(client, ""):
        assert isinstance(resource, SyncAPIResource)
        for name, fn in sorted(vars(type(resource)).items()):
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            namespace = vars(sys.modules[fn.__module__])
            sig = inspect.signature(fn)
            slots = {
                p.name: refs
                for p in sig.parameters.values()
                if p.name not in _OPTION_PARAMS and (refs := index.refs(p.annotation, namespace))
            }
            returns = index.refs(sig.return_annotation, namespace)
            if returns:
                slots["return"] = returns
            if slots:
                methods[f"{rpath}.{name}"] = slots
    return {
        "openai_version": openai.__version__,
        "packages": {p: dict(sorted(names.items())) for p, names in sorted(index.packages.items())},
        "types": types,
        "shapes": shapes,
        "methods": methods,
    }


def main() -> None:
    data = record()
    OUT.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n")
    n = sum(len(v) for v in data["packages"].values())
    print(f"{len(data['packages'])} packages, {n} exported names, {len(data['types'])} types -> {OUT}")


if __name__ == "__main__":
    main()
