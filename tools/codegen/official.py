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


def _page_kind(ret: str) -> str | None:
    m = re.search(r"Sync(\w*Page)\[", ret)
    return f"Async{m.group(1)}" if m else None


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
    for rpath, resource in _resources(client, ""):
        for name, fn in sorted(vars(type(resource)).items()):
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
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


if __name__ == "__main__":
    main()
