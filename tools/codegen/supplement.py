"""The spec supplement: what the installed official SDK tells about every method the public spec lacks,
recorded as an OpenAPI document (``supplement.json`` beside this file) that the generator merges into
the spec. Rerun when a new official release comes out::

    python -m tools.codegen.supplement [SPEC]

The SDK is observed, never copied: each public resource method is called against an in-memory
transport that records the request (HTTP method, path, where each argument went: query, JSON body,
multipart form, header); parameter and result types are the JSON schemas its own typing yields
(request TypedDicts and response models through pydantic's ``json_schema``); streaming comes from its
``stream`` flag / ``Stream[...]`` results, pagination from its page classes (kept in ``x-official-methods``
in the ``official_surface.json`` format, so the generator places the methods exactly like the others).

:func:`merged_document` is the merge the generator and the official-tests tool use: paths and schemas
of the supplement are added where the spec has none; **the spec wins** on any overlap, and the overlaps
are listed by :func:`merge_report`.
"""

from __future__ import annotations

import copy
import inspect
import json
import re
import sys
import typing
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("supplement.json")

__all__ = ["OUT", "load_supplement", "merge_report", "merged_document", "record_supplement"]


def load_supplement(path: Path = OUT) -> dict[str, Any] | None:
    if not path.exists():
        return None
    return json.loads(path.read_text())


def _norm(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.split("?", 1)[0])


def _endpoints(doc: dict[str, Any]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for path, item in (doc.get("paths") or {}).items():
        for method in ("get", "post", "put", "patch", "delete"):
            if method in item:
                out.add((method, _norm(path)))
    return out


def merged_document(spec: dict[str, Any], supplement: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of ``spec`` with the supplement's operations and schemas added (the spec wins)."""
    sup = supplement if supplement is not None else load_supplement()
    if not sup:
        return spec
    doc = dict(spec)
    doc["paths"] = dict(spec.get("paths") or {})
    doc["components"] = dict(spec["components"])
    schemas = doc["components"]["schemas"] = dict(spec["components"]["schemas"])
    have = _endpoints(spec)
    # A supplement schema spelled like a spec schema but for case (the SDK's ``ProjectAPIKey``, the
    # spec's ``ProjectApiKey``) is the same schema: the spec's is used, its references follow.
    by_fold = {name.casefold(): name for name in schemas}
    same = {
        name: by_fold[name.casefold()]
        for name in (sup.get("components") or {}).get("schemas") or {}
        if name not in schemas and name.casefold() in by_fold
    }
    for path, item in (sup.get("paths") or {}).items():
        for method, op in item.items():
            if (method, _norm(path)) in have:
                continue
            doc["paths"][path] = {**doc["paths"].get(path, {}), method: _follow(op, same)}
    for name, schema in ((sup.get("components") or {}).get("schemas") or {}).items():
        if name not in same:
            schemas.setdefault(name, _follow(schema, same))
    doc["x-extra-parameters"] = sup.get("x-extra-parameters") or {}
    return doc


def _follow(node: Any, same: dict[str, str]) -> Any:
    """`node` with its ``$ref`` to a schema of `same` pointing at the spec's spelling instead."""
    if not same:
        return node
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_REF) and ref[len(_SCHEMA_REF) :] in same:
            return {**node, "$ref": _SCHEMA_REF + same[ref[len(_SCHEMA_REF) :]]}
        return {k: _follow(v, same) for k, v in typing.cast("dict[str, Any]", node).items()}
    if isinstance(node, list):
        return [_follow(v, same) for v in typing.cast("list[Any]", node)]
    return node


_SCHEMA_REF = "#/components/schemas/"


def merge_report(spec: dict[str, Any], supplement: dict[str, Any] | None = None) -> list[str]:
    """The differences between spec and supplement (the spec's side is what is generated)."""
    sup = supplement if supplement is not None else load_supplement()
    if not sup:
        return []
    lines: list[str] = []
    have = _endpoints(spec)
    for path, item in (sup.get("paths") or {}).items():
        for method in item:
            if (method, _norm(path)) in have:
                lines.append(f"operation {method.upper()} {path}: in the spec too; the spec's is generated")
    names = spec["components"]["schemas"]
    for name in (sup.get("components") or {}).get("schemas") or {}:
        if name in names:
            lines.append(f"schema {name}: in the spec too; the spec's is used")
    return lines


# --- recording (needs the official SDK installed) -------------------------------------------------

_OPTION_PARAMS = {"extra_headers", "extra_query", "extra_body", "timeout"}


class _Captured(Exception):
    pass


def _strip(hint: Any) -> Any:
    """The annotation with ``Omit`` / ``NotGiven`` dropped and the SDK's protocols made concrete."""
    import openai._types as ot

    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        return _strip(args[0])
    if origin is typing.Union or (origin is not None and getattr(origin, "__name__", "") == "UnionType"):
        kept = [_strip(a) for a in args if a not in (ot.Omit, ot.NotGiven)]
        if not kept:
            return Any
        return kept[0] if len(kept) == 1 else typing.Union[tuple(kept)]  # noqa: UP007
    name = getattr(origin, "__name__", "") or getattr(hint, "__name__", "") or ""
    if name in ("SequenceNotStr", "Iterable", "Sequence") and args:
        return list[_strip(args[0])]  # type: ignore[misc]
    if origin in (list, dict) and args:
        return origin[tuple(_strip(a) for a in args)]
    return hint


def _is_file(hint: Any) -> bool:
    import openai._types as ot

    return hint is ot.FileTypes or "FileTypes" in str(hint) or "FileContent" in str(hint)


def _dummy(hint: Any, name: str) -> object:
    """A value the official SDK sends as it is (strings, numbers, a file): enough to see where an
    argument goes. ``None`` when no such plain value fits."""
    if _is_file(hint):
        return ("f.bin", b"data", "application/octet-stream")
    cleaned = _strip(hint)
    for candidate in typing.get_args(cleaned) or (cleaned,):
        if candidate is str:
            return f"p_{name}"
        if candidate is bool:
            return True
        if candidate is int:
            return 1
        if candidate is float:
            return 1.5
        if typing.get_origin(candidate) is typing.Literal:
            return typing.get_args(candidate)[0]
    return None


def _resources(client: Any) -> list[tuple[str, Any]]:
    from tools.codegen.official import _resources as walk

    return list(walk(client, ""))


def _own_methods(cls: type) -> dict[str, Any]:
    from tools.codegen.official import _own_methods as own

    return own(cls)


def _event_and_result(ret: Any) -> tuple[list[Any], Any | None]:
    """(result types, stream event type) of a return annotation."""
    parts = typing.get_args(ret) if typing.get_origin(ret) is typing.Union else (ret,)
    results: list[Any] = []
    event: Any | None = None
    for part in parts:
        origin = typing.get_origin(part)
        if origin is not None and getattr(origin, "__name__", "") in ("Stream", "AsyncStream"):
            event = typing.get_args(part)[0]
        else:
            results.append(part)
    return results, event


class _Recorder:
    def __init__(self) -> None:
        import httpx2
        import openai

        self.seen: list[Any] = []

        def handler(request: Any) -> Any:
            self.seen.append(request)
            raise _Captured

        self.client = openai.OpenAI(
            api_key="k",
            admin_api_key="a",
            base_url="http://x/v1",
            http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
        ).with_options(max_retries=0)

    def call(self, fn: Any, args: list[Any], kwargs: dict[str, Any], hints: dict[str, Any]) -> Any | None:
        """Call ``fn`` and return the request it sent; when the SDK asks for one of several sets of
        arguments (overloads), fill the first set it names and try again."""
        for _ in range(3):
            self.seen.clear()
            try:
                fn(*args, **kwargs)
            except TypeError as e:
                wanted = re.search(r"Expected either \(([^)]*)\)|Expected (\([^)]*\)|'[^']+')", str(e))
                if wanted is None or self.seen:
                    break
                names = re.findall(r"'(\w+)'", wanted.group(0))
                added = False
                for n in names:
                    if n not in kwargs:
                        value = _dummy(hints.get(n, str), n)
                        kwargs[n] = (
                            value if value is not None else ({} if "Param" in str(hints.get(n)) else [])
                        )
                        added = True
                if not added:
                    break
                continue
            except Exception:
                pass
            break
        return self.seen[0] if self.seen else None


def _locations(request: Any, values: dict[str, object]) -> tuple[dict[str, str], bool]:
    """Where each argument went (query / body / header:<name>), and whether the body was multipart."""
    from urllib.parse import parse_qs

    query = parse_qs(
        request.url.query.decode() if isinstance(request.url.query, bytes) else str(request.url.query)
    )
    ctype = request.headers.get("content-type", "")
    body = request.content if hasattr(request, "content") else b""
    multipart = ctype.startswith("multipart/")
    fields: set[str] = set()
    if multipart:
        fields = {m.decode() for m in re.findall(rb'name="([^"]+)"', body)}
    elif body:
        try:
            decoded = json.loads(body)
            if isinstance(decoded, dict):
                fields = set(decoded)
        except ValueError:
            pass
    out: dict[str, str] = {}
    for name, value in values.items():
        keys = {k.removesuffix("[]") for k in query}
        if name in keys or any(k.startswith(f"{name}[") for k in query):
            out[name] = "query"
        elif name in fields or any(f.startswith(f"{name}[") for f in fields):
            out[name] = "body"
        elif isinstance(value, str):
            for h, v in request.headers.items():
                if value in v and h.lower() not in ("authorization",):
                    out[name] = f"header:{h}"
                    break
    return out, multipart


def record_supplement(spec: dict[str, Any]) -> dict[str, Any]:
    """Observe the installed official SDK and return the supplement document."""
    import openai
    from pydantic import TypeAdapter

    from tools.codegen._naming import OVERRIDES
    from tools.codegen.official import _page_kind

    have = _endpoints(spec)
    spec_names = _spec_param_names(spec)
    extras_found: list[dict[str, Any]] = []
    placed_by_spec = set(OVERRIDES.values())
    all_methods: dict[str, Any] = {}
    rec = _Recorder()
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for rpath, resource in _resources(rec.client):
        for name, fn in sorted(_own_methods(type(resource)).items()):
            sig = inspect.signature(fn)
            try:
                hints = typing.get_type_hints(fn, include_extras=True)
            except Exception:
                hints = {}
            params = [p for p in sig.parameters.values() if p.name != "self" and p.name not in _OPTION_PARAMS]
            params = [p for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
            args: list[Any] = []
            kwargs: dict[str, Any] = {}
            everything: dict[str, Any] = {}
            for p in params:
                value = _dummy(hints.get(p.name, str), p.name)
                if value is None:
                    value = {} if "Param" in str(hints.get(p.name)) else []
                required = p.default is inspect.Parameter.empty
                if required and p.kind is p.POSITIONAL_OR_KEYWORD:
                    args.append(value)
                elif required:
                    kwargs[p.name] = value
                everything[p.name] = value
            request = rec.call(getattr(resource, name), args, kwargs, hints)
            everything.update({k: v for k, v in kwargs.items() if k not in everything})
            if request is None:
                continue
            method = request.method.lower()
            path = request.url.path.removeprefix("/v1")
            for v in (*args, *kwargs.values()):
                if isinstance(v, str) and f"/{v}" in path:
                    path = path.replace(f"/{v}", "/{" + v.removeprefix("p_") + "}")
            positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
            official_key = f"{rpath}.{name}"
            all_methods[official_key] = {
                "params": [p.name for p in params],
                "positional": positional,
                "page": _page_kind(str(sig.return_annotation)),
                "returns": str(sig.return_annotation),
                "deprecated": bool(getattr(fn, "__deprecated__", None)),
                "http": [method, path],
                "headers": {h: request.headers[h] for h in ("openai-beta",) if h in request.headers},
            }
            if (method, _norm(path)) in have or official_key in placed_by_spec:
                known_names = spec_names.get((method, _norm(path)), set())
                path_names = re.findall(r"\{([^}]*)\}", path)
                missing = [
                    p
                    for p in params
                    if p.name not in known_names and p.name not in path_names and p.name not in _SDK_ONLY
                ]
                if missing and not _HELPER.search(name):
                    full = rec.call(
                        getattr(resource, name),
                        [everything[n] for n in positional if n in path_names],
                        {k: v for k, v in everything.items() if k not in positional or k not in path_names},
                        hints,
                    )
                    values = {p.name: everything[p.name] for p in missing}
                    where, _ = _locations(full, values) if full is not None else ({}, False)
                    default_loc = "query" if method in ("get", "delete") else "body"
                    extras_found.append(
                        {
                            "official": official_key,
                            "params": missing,
                            "hints": hints,
                            "where": {p.name: where.get(p.name, default_loc) for p in missing},
                        }
                    )
                continue
            path_names = re.findall(r"\{([^}]*)\}", path)
            extra = {k: v for k, v in everything.items() if k not in path_names}
            full = rec.call(
                getattr(resource, name),
                [everything[n] for n in positional if n in path_names],
                {k: v for k, v in everything.items() if k not in positional or k not in path_names},
                hints,
            )
            where, multipart = _locations(full, extra) if full is not None else ({}, False)
            _, req_multipart = _locations(request, {})
            found.setdefault((method, _norm(path)), []).append(
                {
                    "official": f"{rpath}.{name}",
                    "method": method,
                    "path": path,
                    "fn": fn,
                    "hints": hints,
                    "params": params,
                    "where": where,
                    "multipart": multipart or req_multipart,
                    "headers": {h: request.headers[h] for h in ("openai-beta",) if h in request.headers},
                    "positional": positional,
                    "page": _page_kind(str(sig.return_annotation)),
                    "returns": str(sig.return_annotation),
                    "deprecated": bool(getattr(fn, "__deprecated__", None)),
                }
            )

    # one schema generation over every type, so names are consistent and collision-free
    from tools.codegen._naming import OfficialMethod, _pick

    chosen: list[dict[str, Any]] = []
    for candidates in found.values():
        officials = {
            c["official"]: OfficialMethod(
                c["official"],
                (c["method"], c["path"]),
                [],
                c["positional"],
                c["page"],
                c["returns"],
                c["deprecated"],
                {},
            )
            for c in candidates
        }
        best = _pick(list(officials.values()))
        chosen.append(next(c for c in candidates if c["official"] == best.path))
    inputs: list[tuple[Any, Any, Any]] = []
    failed: list[str] = []

    def adapter(key: str, hint: Any) -> None:
        try:
            inputs.append((key, "validation", TypeAdapter(hint)))
        except Exception:
            failed.append(key)

    for c in chosen:
        for p in c["params"]:
            hint = c["hints"].get(p.name, Any)
            if _is_file(hint):
                continue
            adapter(f"{c['official']}:{p.name}", _strip(hint))
        results, event = _event_and_result(c["hints"].get("return", type(None)))
        c["event"] = event
        c["results"] = results
        for i, r in enumerate(results):
            if r is type(None) or r is None or "BinaryResponseContent" in str(r):
                continue
            adapter(f"{c['official']}:return{i}", r)
        if event is not None:
            adapter(f"{c['official']}:event", event)
    for x in extras_found:
        for p in x["params"]:
            hint = x["hints"].get(p.name, Any)
            if not _is_file(hint):
                adapter(f"{x['official']}:{p.name}", _strip(hint))
    schemas: dict[str, Any] = {}
    defs: dict[str, Any] = {}
    good: list[tuple[Any, Any, Any]] = []
    for item in inputs:  # find the types pydantic cannot describe, then describe the rest together
        try:
            TypeAdapter.json_schemas([item], ref_template="#/components/schemas/{model}")
            good.append(item)
        except Exception:
            failed.append(item[0])
    if good:
        keyed, top = TypeAdapter.json_schemas(good, ref_template="#/components/schemas/{model}")
        schemas = {k[0]: v for k, v in keyed.items()}
        defs = top.get("$defs", {})
    renames = _renames(defs, spec["components"]["schemas"])
    for ref in set(re.findall(r'#/components/schemas/([^"]+)', json.dumps([schemas, defs]))) - set(defs):
        owner = ref.split("_", 1)[0]  # pydantic names a metadata-wrapped copy `X_Something`
        if owner in defs:
            renames[ref] = renames.get(owner, owner)
    schemas = _rename(schemas, renames)
    defs = {renames.get(k, k): _clean(_rename(v, renames)) for k, v in defs.items()}

    paths: dict[str, Any] = {}
    known = json.loads(Path(__file__).with_name("official_surface.json").read_text())["methods"]
    # every official method the attribute-path facts lack (a newer release's, or one they missed)
    surface: dict[str, Any] = {
        k: v for k, v in sorted(all_methods.items()) if k not in known or not known[k].get("http")
    }
    for c in sorted(chosen, key=lambda c: c["official"]):
        op = _operation(c, schemas, defs)
        paths.setdefault(c["path"], {})[c["method"]] = op
        surface[c["official"]] = {
            "params": [p.name for p in c["params"]],
            "positional": c["positional"],
            "page": c["page"],
            "returns": c["returns"],
            "deprecated": c["deprecated"],
            "http": [c["method"], c["path"]],
            "headers": c["headers"],
        }
    extra_parameters: dict[str, Any] = {}
    for x in sorted(extras_found, key=lambda x: x["official"]):
        entry: dict[str, Any] = {}
        for p in x["params"]:
            hint = x["hints"].get(p.name, Any)
            schema = (
                {"type": "string", "format": "binary"}
                if _is_file(hint)
                else _clean(schemas.get(f"{x['official']}:{p.name}", {}))
            )
            entry[p.name] = {
                "in": x["where"][p.name],
                "required": p.default is inspect.Parameter.empty,
                "schema": schema,
            }
        extra_parameters[x["official"]] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Supplement to the public OpenAPI spec, observed from the official SDK",
            "version": openai.__version__,
            "x-note": "Generated by `python -m tools.codegen.supplement`; do not edit.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(defs.items()))},
        "x-official-methods": surface,
        "x-extra-parameters": extra_parameters,
        "x-undescribed": sorted(set(failed)),
    }


#: Official parameters that are the SDK's own (not sent as named): never "missing" from the spec.
_SDK_ONLY = frozenset({"stream", "betas", "idempotency_key", "poll_interval_ms"})


#: Client-side helpers of the official SDK (they compose requests; their own arguments are theirs).
_HELPER = re.compile(r"poll|upload|parse|wait_for|stream")


def _spec_param_names(spec: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    """(method, normalised path) -> the names the spec gives the operation's query, header, path and body
    parameters (every variant of a union body)."""
    from tools.codegen._resources import body_schema
    from tools.codegen._spec import Spec

    parsed = Spec(spec)
    out: dict[tuple[str, str], set[str]] = {}
    for op in parsed.operations():
        names = {p.name.removesuffix("[]") for p in op.params}
        names |= set(body_schema(parsed, op).get("properties", {}))
        out.setdefault((op.method, _norm(op.spec_path)), set()).update(names)
    return out


def _renames(defs: dict[str, Any], spec_schemas: dict[str, Any]) -> dict[str, str]:
    """Supplement schema names that would clash with the spec's (or that pydantic qualified with a
    module path) -> a free name."""
    out: dict[str, str] = {}
    taken = set(spec_schemas)
    for name in sorted(defs):
        base = name.split("__")[-1] if "__" in name else name
        base = re.sub(r"[^0-9A-Za-z]", "", base) or "Schema"
        candidate = base
        if candidate in taken or candidate in out.values():
            prefix = "".join(p[:1].upper() + p[1:] for p in name.split("__")[-3:-1]) if "__" in name else ""
            candidate = f"{prefix}{base}" if prefix and prefix != base else f"Official{base}"
            n = 2
            while candidate in taken or candidate in out.values():
                candidate = f"{prefix or 'Official'}{base}{n}"
                n += 1
        if candidate != name:
            out[name] = candidate
        taken.add(candidate)
    return out


def _rename(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and v.startswith("#/components/schemas/"):
                name = v.rsplit("/", 1)[1]
                out[k] = f"#/components/schemas/{renames.get(name, name)}"
            elif k == "mapping" and isinstance(v, dict):
                out[k] = {mk: _rename({"$ref": mv}, renames)["$ref"] for mk, mv in v.items()}
            else:
                out[k] = _rename(v, renames)
        return out
    if isinstance(node, list):
        return [_rename(v, renames) for v in node]
    return node


def _clean(schema: Any) -> Any:
    """pydantic's schema, with its ``title`` noise dropped."""
    if isinstance(schema, dict):
        return {k: _clean(v) for k, v in schema.items() if k != "title" or not isinstance(v, str)}
    if isinstance(schema, list):
        return [_clean(v) for v in schema]
    return schema


def _operation(c: dict[str, Any], schemas: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    key = c["official"]
    op_id = "".join(p[:1].upper() + p[1:] for p in re.split(r"[._]", key))
    parameters: list[dict[str, Any]] = []
    path_names = re.findall(r"\{([^}]*)\}", c["path"])
    body_props: dict[str, Any] = {}
    body_required: list[str] = []
    for name in path_names:
        parameters.append({"name": name, "in": "path", "required": True, "schema": {"type": "string"}})
    default_loc = "query" if c["method"] in ("get", "delete") else "body"
    for p in c["params"]:
        if p.name in path_names:
            continue
        hint = c["hints"].get(p.name, Any)
        required = p.default is inspect.Parameter.empty
        schema = (
            {"type": "string", "format": "binary"}
            if _is_file(hint)
            else _clean(schemas.get(f"{key}:{p.name}", {}))
        )
        where = c["where"].get(p.name, default_loc)
        if where == "query":
            parameters.append({"name": p.name, "in": "query", "required": required, "schema": schema})
        elif where.startswith("header:"):
            parameters.append(
                {
                    "name": where.split(":", 1)[1],
                    "in": "header",
                    "required": required,
                    "schema": schema,
                    "x-official-name": p.name,
                }
            )
        else:
            body_props[p.name] = schema
            if required:
                body_required.append(p.name)
    op: dict[str, Any] = {
        "operationId": op_id,
        "summary": f"`{key}` of the official SDK",
        "x-official-method": key,
    }
    if c["deprecated"]:
        op["deprecated"] = True
    if parameters:
        op["parameters"] = parameters
    if body_props:
        body: dict[str, Any] = {"type": "object", "properties": body_props}
        if body_required:
            body["required"] = body_required
        ctype = "multipart/form-data" if c["multipart"] else "application/json"
        op["requestBody"] = {"required": bool(body_required), "content": {ctype: {"schema": body}}}
    content: dict[str, Any] = {}
    results = c["results"]
    binary = any("BinaryResponseContent" in str(r) for r in results)
    for i in range(len(results)):
        s = schemas.get(f"{key}:return{i}")
        if s is not None:
            s = _clean(s)
            ref = s.get("$ref", "") if isinstance(s, dict) else ""
            if c["page"] and ref:  # the page model itself: inline it, its items stay named
                name = ref.rsplit("/", 1)[1]
                s = _clean(defs.get(name, s))
            content["application/json"] = {"schema": s}
            break
    if c["event"] is not None and f"{key}:event" in schemas:
        content["text/event-stream"] = {"schema": _clean(schemas[f"{key}:event"])}
    if binary:
        content = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    if content:
        op["responses"] = {"200": {"description": "OK", "content": content}}
    else:
        op["responses"] = {"204": {"description": "No content"}}
    return op


def main(argv: list[str] | None = None) -> int:
    import openai

    from tools.codegen.__main__ import DEFAULT_SPEC
    from tools.codegen._spec import load_spec

    args = argv if argv is not None else sys.argv[1:]
    spec = load_spec(Path(args[0]) if args else DEFAULT_SPEC).doc
    doc = record_supplement(copy.deepcopy(spec))
    OUT.write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n")
    n = sum(len(v) for v in doc["paths"].values())
    print(
        f"openai {openai.__version__}: {n} operations the spec lacks, {len(doc['components']['schemas'])} "
        f"schemas, {len(doc['x-undescribed'])} undescribed types -> {OUT}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def extend_surface(surface: Any, supplement: dict[str, Any] | None) -> None:
    """Add the supplement's attribute-path facts to an ``OfficialSurface`` (its own facts win)."""
    from tools.codegen._naming import OfficialMethod

    for name, m in ((supplement or {}).get("x-official-methods") or {}).items():
        have = surface.methods.get(name)
        if have is not None and have.http is not None:
            continue  # (facts that could not see the request are completed)
        http = m.get("http")
        surface.methods[name] = OfficialMethod(
            path=name,
            http=(http[0], http[1]) if http else None,
            params=m["params"],
            positional=m["positional"],
            page=m["page"],
            returns=m["returns"],
            deprecated=m["deprecated"],
            headers=m.get("headers", {}),
        )
