"""Record the official ``openai`` SDK's public surface as facts: which method sits at which attribute
path, which HTTP operation it sends, its parameter names and its page class.

The SDK is driven (never read): every public resource method is called against an in-memory transport
that records the request and answers ``{}``. The result is written to ``official_surface.json`` beside
this file, which the generator reads. Rerun when the official SDK is upgraded::

    python -m tools.codegen.official
"""

from __future__ import annotations

import inspect
import json
import re
import sys
import typing
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("official_surface.json")
SIGNATURES = Path(__file__).with_name("official_signatures.json")

_SKIP_ATTRS = {"with_raw_response", "with_streaming_response"}
_OPTION_PARAMS = {"extra_headers", "extra_query", "extra_body", "timeout"}
_RECORDED_HEADERS = ("openai-beta", "x-stainless-helper-method")


class _Captured(Exception):
    pass


def _dummy(name: str, annotation: str) -> object:
    """A value good enough for the SDK to build a request (it is never sent anywhere)."""
    ann = annotation or ""
    if "FileTypes" in ann:
        return ("f.bin", b"data", "application/octet-stream")
    if ann.startswith(("int", "Optional[int]")):
        return 1
    if ann.startswith(("float", "Optional[float]")):
        return 1.0
    if ann.startswith("bool"):
        return True
    if ann.startswith(("Iterable", "List", "SequenceNotStr", "Sequence")):
        return []
    if ann.startswith(("Dict", "Mapping")) or "Param" in ann:
        return {}
    return f"p_{name}"


def _resources(obj: object, prefix: str) -> typing.Iterator[tuple[str, object]]:
    from openai._resource import SyncAPIResource

    for attr in sorted(dir(type(obj))):
        if attr.startswith("_") or attr in _SKIP_ATTRS:
            continue
        if not isinstance(inspect.getattr_static(type(obj), attr, None), property | typing.Any.__class__):
            static = inspect.getattr_static(type(obj), attr, None)
            if type(static).__name__ != "cached_property":
                continue
        try:
            value = getattr(obj, attr)
        except Exception:
            continue
        if isinstance(value, SyncAPIResource):
            path = f"{prefix}.{attr}" if prefix else attr
            yield path, value
            yield from _resources(value, path)


def _own_methods(cls: type) -> dict[str, Any]:
    """The public methods of a resource class, its bases' included (up to ``SyncAPIResource``):
    some resources inherit methods (a resource class derived from another one)."""
    from openai._resource import SyncAPIResource

    out: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if klass is object or issubclass(SyncAPIResource, klass):
            continue
        for name, fn in vars(klass).items():
            if not name.startswith("_") and inspect.isfunction(fn):
                out[name] = fn
    return out


def _page_kind(ret: str) -> str | None:
    m = re.search(r"Sync(\w*Page)\[", ret)
    return f"Async{m.group(1)}" if m else None


#: official method -> its parameters that have a default (filled by :func:`record`).
defaulted: dict[str, list[str]] = {}


def optional_body(spec_path: Path | None = None) -> dict[str, list[str]]:
    """Body parameters the spec requires where the official SDK gives a default (an overloaded method
    defaults every argument that only some of its overloads require): from :data:`defaulted`."""
    from tools.codegen._resources import body_schema
    from tools.codegen._spec import Spec, load_spec
    from tools.codegen.supplement import _norm, merged_document

    if spec_path is None:
        from tools.codegen.__main__ import DEFAULT_SPEC

        spec_path = DEFAULT_SPEC
    spec = Spec(merged_document(load_spec(spec_path).doc))
    required: dict[tuple[str, str], set[str]] = {}
    for op in spec.operations():
        required[(op.method, _norm(op.spec_path))] = set(body_schema(spec, op).get("required", []))
    facts = json.loads(OUT.read_text())["methods"]
    sup = json.loads(Path(__file__).with_name("supplement.json").read_text())["x-official-methods"]
    out: dict[str, list[str]] = {}
    for name, names in sorted(defaulted.items()):
        http = (facts.get(name) or {}).get("http") or (sup.get(name) or {}).get("http")
        if not http:
            continue
        optional = sorted(required.get((http[0], _norm(http[1])), set()) & set(names))
        if optional:
            out[name] = optional
    return out


def record() -> dict[str, Any]:
    import httpx2
    import openai

    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        raise _Captured

    client = openai.OpenAI(
        api_key="k",
        admin_api_key="a",
        base_url="http://x/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    client = client.with_options(max_retries=0)
    methods: dict[str, Any] = {}
    defaulted.clear()
    for rpath, resource in _resources(client, ""):
        for name, fn in sorted(_own_methods(type(resource)).items()):
            sig = inspect.signature(fn)
            params = [p for p in sig.parameters.values() if p.name != "self"]
            kwargs: dict[str, object] = {}
            args: list[object] = []
            for p in params:
                if p.name in _OPTION_PARAMS or p.default is not inspect.Parameter.empty:
                    continue
                if p.kind is p.VAR_KEYWORD or p.kind is p.VAR_POSITIONAL:
                    continue
                value = _dummy(p.name, str(p.annotation))
                if p.kind is p.POSITIONAL_OR_KEYWORD:
                    args.append(value)
                else:
                    kwargs[p.name] = value
            seen.clear()
            defaulted[f"{rpath}.{name}"] = [
                p.name for p in params if p.default is not inspect.Parameter.empty
            ]
            entry: dict[str, Any] = {
                "params": [p.name for p in params if p.name not in _OPTION_PARAMS],
                "positional": [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD],
                "page": _page_kind(str(sig.return_annotation)),
                "returns": str(sig.return_annotation),
                "deprecated": bool(getattr(fn, "__deprecated__", None)),
            }
            try:
                getattr(resource, name)(*args, **kwargs)
            except Exception:
                pass
            if seen:
                req = seen[0]
                path = req.url.path.removeprefix("/v1")
                for v in (*args, *kwargs.values()):
                    if isinstance(v, str):
                        path = path.replace(f"/{v}", "/{" + v.removeprefix("p_") + "}")
                query = req.url.query.decode() if isinstance(req.url.query, bytes) else str(req.url.query)
                if "beta=true" in query:
                    path += "?beta=true"
                entry["http"] = [req.method.lower(), path]
                entry["headers"] = {h: req.headers[h] for h in _RECORDED_HEADERS if h in req.headers}
            methods[f"{rpath}.{name}"] = entry
    return {"openai_version": openai.__version__, "methods": methods}


def main() -> None:
    data = record()
    OUT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    n = sum(1 for m in data["methods"].values() if "http" in m)
    print(f"{len(data['methods'])} methods, {n} with a recorded request -> {OUT}", file=sys.stderr)
    signatures = {
        "_about": (
            f"Body parameters the spec requires but the official SDK ({data['openai_version']}, "
            "inspect.signature) gives a default: generated as optional keywords so calls written for it "
            "type-check and run. Written by `python -m tools.codegen.official`."
        ),
        "optional_body": optional_body(),
    }
    SIGNATURES.write_text(json.dumps(signatures, indent=1) + "\n")
    print(
        f"{len(signatures['optional_body'])} methods with spec-required arguments the SDK defaults -> {SIGNATURES}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
