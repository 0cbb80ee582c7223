"""The public boundary: what each public module exports, and under which name it shows itself.

Pattern of httpx's ``test_exported_members``: ``__all__`` lists exactly the public names a module defines
(no name missing, none extra) and every listed name resolves, the lazily loaded ones included. Classes and
functions the package root exports say ``trio_openai.X`` in reprs, tracebacks, pickles and the docs, and
``import trio_openai`` still loads the lazy names only when first used (checked in a fresh interpreter).
"""

from __future__ import annotations
import __future__

import importlib
import inspect
import pickle
import subprocess
import sys
import types
import typing

import pytest

import trio_openai

PUBLIC_MODULES = [
    "trio_openai",
    "trio_openai.testing",
    "trio_openai.realtime",
    "trio_openai.lib.concurrent",
    "trio_openai.lib.structured",
    "trio_openai.lib.azure",
    "trio_openai.batch",
]

# Module-level client settings (``trio_openai.api_key = ...``): public attributes, but settings, not exports.
ROOT_SETTINGS = {
    "api_key",
    "organization",
    "project",
    "webhook_secret",
    "base_url",
    "timeout",
    "max_retries",
    "default_headers",
    "default_query",
    "admin_api_key",
    "api_type",
    "api_version",
    "azure_endpoint",
    "azure_ad_token",
    "azure_ad_token_provider",
}


def _defined_public_names(module: types.ModuleType) -> set[str]:
    """The public names the module binds, minus submodules (``trio_openai.types``) and settings."""
    names = {
        n
        for n, v in vars(module).items()
        if not n.startswith("_") and not isinstance(v, (types.ModuleType, __future__._Feature))  # pyright: ignore[reportPrivateUsage]
    }
    if module.__name__ == "trio_openai":
        names -= ROOT_SETTINGS
    return names


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_exported_members(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported)), "duplicate names in __all__"
    for member in exported:  # every name resolves, loading the lazy ones
        getattr(module, member)
    # After resolution, the lazy names are bound too: what the module defines is exactly __all__.
    assert _defined_public_names(module) == set(exported) - {"__version__"}


#: Public modules root exports are defined in, which they keep as their name (as in the official SDK).
_PUBLIC_HOMES = {"trio_openai.lib.azure"}


def test_root_exports_say_trio_openai() -> None:
    wrong: dict[str, str] = {}
    for name in trio_openai.__all__:
        value = getattr(trio_openai, name)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        if getattr(value, "__qualname__", None) != name:
            continue  # an alias (DefaultHttpx2Client is a function of another name): keeps its module
        if value.__module__ in _PUBLIC_HOMES:
            continue  # defined in a public module (the official path): it keeps that name
        if value.__module__ != "trio_openai":
            wrong[name] = value.__module__
    assert wrong == {}
    assert repr(trio_openai.RateLimitError) == "<class 'trio_openai.RateLimitError'>"


def test_renamed_classes_still_resolve_their_annotations() -> None:
    # msgspec and typing resolve string annotations through sys.modules[cls.__module__]: the fixup
    # stores them evaluated, so models still decode and hints still resolve.
    assert typing.get_type_hints(trio_openai.APIError)["request"] is not None
    hints = typing.get_type_hints(trio_openai.BaseModel)
    assert hints  # ClassVar annotations resolved, not NameError
    from trio_openai.types.chat import ChatCompletion

    assert ChatCompletion.__mro__[1] is trio_openai.BaseModel
    import msgspec

    class Tiny(trio_openai.BaseModel):
        value: int

    assert msgspec.json.decode(b'{"value": 3}', type=Tiny).value == 3


@pytest.mark.parametrize(
    "error",
    [
        trio_openai.OpenAIError("boom"),
        trio_openai.APITimeoutError(),
        trio_openai.StreamAlreadyConsumed("consumed"),
        trio_openai.InvalidWebhookSignatureError("bad signature"),
        trio_openai.PortalClosedError("closed"),
    ],
)
def test_errors_pickle_under_public_name(error: BaseException) -> None:
    data = pickle.dumps(error)
    assert b"trio_openai._core" not in data
    again = pickle.loads(data)
    assert type(again) is type(error)
    assert str(again) == str(error)


def test_classes_pickle_by_public_path() -> None:
    for name in ("RateLimitError", "AsyncOpenAI", "RetryPolicy", "LengthFinishReasonError", "function_tool"):
        value = getattr(trio_openai, name)
        assert pickle.loads(pickle.dumps(value)) is value


def test_lazy_names_stay_lazy() -> None:
    code = (
        "import sys, trio_openai\n"
        "assert 'trio_openai.lib._parsing._errors' not in sys.modules, 'loaded eagerly'\n"
        "assert 'httpx2' not in sys.modules and 'httpx' not in sys.modules\n"
        "assert 'trio_openai.lib.azure' not in sys.modules, 'Azure loaded eagerly'\n"
        "assert trio_openai.AsyncAzureOpenAI.__module__ == 'trio_openai.lib.azure'\n"
        "error = trio_openai.LengthFinishReasonError\n"
        "assert 'trio_openai.lib._parsing._errors' in sys.modules\n"
        "assert error.__module__ == 'trio_openai', error.__module__\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr


# Types that appear only in constructor parameters users never pass (the blocking stream's async half and
# portal, a paginator's page source) or are a plain alias (LimitsLike): deliberately not exported.
_INTERNAL_SIGNATURE_TYPES = {"AsyncStreamLike", "Portal", "PageSource", "LimitsLike"}


def _private_types_in(tp: object, found: set[str]) -> None:
    for arg in typing.get_args(tp):
        _private_types_in(arg, found)
    origin = typing.get_origin(tp) or tp
    if not isinstance(origin, type):
        return
    module = origin.__module__
    if module.startswith(("trio_openai.types", "trio_openai.resources")):
        return  # generated models and resources have public modules of their own
    if module.startswith("trio_openai.") and "._" in "." + module.removeprefix("trio_openai."):
        found.add(origin.__qualname__)


def test_types_in_public_signatures_are_exported() -> None:
    # What a user needs to annotate (response.headers, response.http_request, error.request,
    # page.next_page_info(), paginator.open_pages() ...) is importable from the root.
    found: set[str] = set()
    for name in trio_openai.__all__:
        cls = getattr(trio_openai, name)
        if not inspect.isclass(cls):
            continue
        for attr, member in inspect.getmembers(cls):
            if attr.startswith("_") and attr != "__init__":
                continue
            function = member.fget if isinstance(member, property) else member
            if not callable(function):
                continue
            try:
                hints = typing.get_type_hints(function)
            except NameError:
                continue  # a name imported only for type checkers (checked by pyright instead)
            for hint in hints.values():
                _private_types_in(hint, found)
    exported = {n for n in trio_openai.__all__ if inspect.isclass(getattr(trio_openai, n))}
    assert found - exported - _INTERNAL_SIGNATURE_TYPES == set()
    assert {"Headers", "HTTPRequest", "PageInfo", "RequestInfo", "PageStream", "ItemStream"} <= exported
