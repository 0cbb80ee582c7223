"""What the ported official tests import in place of ``openai``, ``tests.utils`` and respx.

* :func:`official_names` gives, for ``from openai.x import A``, trio_openai's object of that name at the
  same module path (or at the top level for ``openai`` / ``openai.pagination``); a name trio_openai does
  not have becomes an :class:`OfficialType` marker that checks the value's shape instead (a msgspec
  Struct for a model, a page for ``...Page[...]``, binary content, a stream).
* :func:`assert_matches_type` is the official test helper's contract checked the trio_openai way:
  Structs in place of pydantic models, pages by their items.
* :class:`MockRouter` and :data:`httpx2` are a respx-like router over ``trio_openai.testing.MockTransport``
  for the tests that mock binary endpoints.
"""

from __future__ import annotations

import importlib
import inspect
import types
import typing
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, Literal, get_args, get_origin

import msgspec

__all__ = [
    "MockRouter",
    "OfficialType",
    "assert_matches_type",
    "assert_signatures_in_sync",
    "httpx2",
    "official_module",
    "official_names",
]

#: Official modules whose names trio_openai keeps at its top level.
_TOP_LEVEL = {"openai", "openai.pagination", "openai.types"}
_HELPERS: dict[str, Callable[..., Any]] = {}


class _OfficialMeta(type):
    """Markers are classes, so ``isinstance(x, Marker)`` and ``Marker[Item]`` work in the tests."""

    official: str
    args: tuple[Any, ...]

    def __instancecheck__(cls, value: object) -> bool:
        return _shape_ok(cls, value)

    def __getitem__(cls, item: Any) -> _OfficialMeta:
        args = item if isinstance(item, tuple) else (item,)
        return _OfficialMeta(cls.__name__, (OfficialType,), {"official": cls.official, "args": args})

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{cls.official} has no trio_openai counterpart")

    def __repr__(cls) -> str:
        inner = ", ".join(getattr(a, "__name__", repr(a)) for a in cls.args)
        return f"<official {cls.official}{f'[{inner}]' if inner else ''}>"


class OfficialType(metaclass=_OfficialMeta):
    official = "openai"
    args: tuple[Any, ...] = ()


def _marker(module: str, name: str) -> Any:
    return _OfficialMeta(name, (OfficialType,), {"official": f"{module}.{name}", "args": ()})


def official_names(module: str, *names: str) -> Any:
    """trio_openai's objects for ``from <module> import <names>`` (a tuple, or the one object)."""
    ours = "trio_openai" + module.removeprefix("openai")
    targets: list[Any] = []
    try:
        mod: Any = importlib.import_module(ours)
    except ImportError:
        mod = None
    top: Any = importlib.import_module("trio_openai")
    for name in names:
        found: Any = None
        if name in _HELPERS:
            found = _HELPERS[name]
        if found is None and mod is not None:
            found = getattr(mod, name, None)
        if found is None and module in _TOP_LEVEL:
            found = getattr(top, name, None)
        targets.append(found if found is not None else _marker(module, name))
    return targets[0] if len(targets) == 1 else tuple(targets)


class _Module(types.SimpleNamespace):
    def __init__(self, module: str) -> None:
        super().__init__()
        self._module = module

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return official_names(self._module, name)


def official_module(module: str) -> Any:
    """For ``import openai.x as y``: a namespace whose attributes go through :func:`official_names`."""
    return _Module(module)


def _is_page(value: object) -> bool:
    return hasattr(value, "has_next_page") and isinstance(getattr(value, "data", None), list)


def _shape_ok(marker: _OfficialMeta, value: object) -> bool:
    name = marker.official.rsplit(".", 1)[1]
    if name.endswith("Page"):
        if not _is_page(value):
            return False
        if marker.args:
            for item in typing.cast("list[Any]", value.data):
                assert_matches_type(marker.args[0], item, path=["item"])
        return True
    if name == "HttpxBinaryResponseContent":
        return hasattr(value, "read") or hasattr(value, "content")
    if name in {"Stream", "AsyncStream"}:
        return hasattr(value, "close") and (hasattr(value, "__iter__") or hasattr(value, "__aiter__"))
    # A model (or an official alias of a union or list of models): our decoded Structs.
    if isinstance(value, list):
        return all(isinstance(v, msgspec.Struct | str | int | float) for v in typing.cast("list[Any]", value))
    return isinstance(value, msgspec.Struct)


def assert_matches_type(type_: Any, value: object, *, path: list[str], allow_none: bool = False) -> None:
    """Assert that ``value`` is what the official test expects of ``type_``, the trio_openai way."""
    if allow_none and value is None:
        return
    if isinstance(type_, _OfficialMeta):
        assert _shape_ok(type_, value), f"{path}: {type(value).__name__} is not {type_!r}"
        return
    if type_ is None or type_ is type(None):
        assert value is None, f"{path}: expected None, got {type(value).__name__}"
        return
    if type_ is Any or type_ is object:
        return
    origin = get_origin(type_) or type_
    args = get_args(type_)
    if origin is typing.Union or origin is types.UnionType:
        errors: list[str] = []
        for arg in args:
            try:
                assert_matches_type(arg, value, path=path)
                return
            except AssertionError as e:
                errors.append(str(e))
        raise AssertionError(f"{path}: {type(value).__name__} matches no member of {type_!r}: {errors}")
    if origin is Literal:
        assert value in args, f"{path}: {value!r} not in {args!r}"
        return
    if origin in (list, Iterable, typing.Sequence):
        assert isinstance(value, list), f"{path}: expected a list, got {type(value).__name__}"
        for i, v in enumerate(typing.cast("list[Any]", value)):
            if args:
                assert_matches_type(args[0], v, path=[*path, str(i)])
        return
    if origin is dict:
        assert isinstance(value, dict), f"{path}: expected a dict, got {type(value).__name__}"
        return
    if origin is bytes:
        assert isinstance(value, bytes | bytearray), f"{path}: expected bytes, got {type(value).__name__}"
        return
    if origin is float:
        assert isinstance(value, float | int), f"{path}: expected float, got {type(value).__name__}"
        return
    if origin in (str, int, bool, datetime, date):
        assert isinstance(value, origin), f"{path}: expected {origin.__name__}, got {type(value).__name__}"
        return
    if isinstance(origin, type):
        if _is_page(value) and args:
            assert isinstance(value, origin), f"{path}: {type(value).__name__} is not {origin.__name__}"
            for i, item in enumerate(typing.cast("list[Any]", value.data)):
                assert_matches_type(args[0], item, path=[*path, str(i)])
            return
        assert isinstance(value, origin), f"{path}: {type(value).__name__} is not {origin.__name__}"
        return
    # A type alias or anything else this shim does not model: accept decoded data.
    assert value is not None or type_ is None, f"{path}: got None for {type_!r}"


def assert_signatures_in_sync(
    source: Callable[..., Any], check: Callable[..., Any], *, exclude_params: set[str] | None = None
) -> None:
    """Every parameter of ``source`` (but the excluded) is a parameter of ``check``."""
    skip = exclude_params or set()
    have = inspect.signature(check).parameters
    missing = [n for n in inspect.signature(source).parameters if n not in skip and n not in have]
    assert not missing, f"{getattr(check, '__qualname__', check)} lacks {missing}"


_HELPERS["assert_signatures_in_sync"] = assert_signatures_in_sync


class _Response:
    """``httpx2.Response(status, json=..., content=...)`` as the tests write it."""

    def __init__(
        self,
        status_code: int = 200,
        *,
        json: object = None,
        content: bytes | str | None = None,
        text: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status_code = status_code
        self.json = json
        body = content if content is not None else text
        self.content = body.encode() if isinstance(body, str) else (body or b"")
        self.headers = dict(headers or {})


httpx2 = types.SimpleNamespace(Response=_Response)


class _Route:
    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.path = path
        self.response: _Response | None = None
        self.calls = 0

    def mock(self, return_value: _Response | None = None, **_: Any) -> _Route:
        self.response = return_value
        return self

    @property
    def called(self) -> bool:
        return self.calls > 0


class MockRouter:
    """The part of respx's router the official resource tests use: ``router.get(path).mock(...)``."""

    def __init__(self, base_url: str = "") -> None:
        from urllib.parse import urlsplit

        self.base_path = urlsplit(base_url).path.rstrip("/")
        self.routes: list[_Route] = []

    def _route(self, method: str, path: str) -> _Route:
        route = _Route(method, self.base_path + path)
        self.routes.append(route)
        return route

    def get(self, path: str) -> _Route:
        return self._route("GET", path)

    def post(self, path: str) -> _Route:
        return self._route("POST", path)

    def put(self, path: str) -> _Route:
        return self._route("PUT", path)

    def patch(self, path: str) -> _Route:
        return self._route("PATCH", path)

    def delete(self, path: str) -> _Route:
        return self._route("DELETE", path)

    def transport(self) -> Any:
        """A ``MockTransport`` answering from the routes (an unrouted request is a 599, as respx
        refuses it)."""
        from trio_openai.testing import MockResponse, MockTransport

        def handle(request: Any) -> Any:
            for route in self.routes:
                if route.method == request.method and route.path == request.path:
                    route.calls += 1
                    r = route.response or _Response(200)
                    if r.json is not None:
                        return MockResponse(r.status_code, json=r.json, headers=r.headers)
                    return MockResponse(r.status_code, content=r.content, headers=r.headers)
            return MockResponse(
                599, json={"error": {"message": f"respx: {request.method} {request.path} not mocked"}}
            )

        return MockTransport(handle)
