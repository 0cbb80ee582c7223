"""trio_openai: a Trio-native client for the OpenAI API."""

import importlib as _importlib
import sys as _sys
import typing as _typing

from ._blocking._page import SyncBasePage as SyncBasePage
from ._blocking._page import SyncConversationCursorPage as SyncConversationCursorPage
from ._blocking._page import SyncCursorPage as SyncCursorPage
from ._blocking._page import SyncNextCursorPage as SyncNextCursorPage
from ._blocking._page import SyncPage as SyncPage
from ._blocking._page import SyncTokenPage as SyncTokenPage
from ._blocking._response import SyncAPIResponse as SyncAPIResponse
from ._blocking._stream import Stream as Stream
from ._client import AsyncOpenAI as AsyncOpenAI
from ._client import ClientStatistics as ClientStatistics
from ._core._errors import APIConnectionError as APIConnectionError
from ._core._errors import APIError as APIError
from ._core._errors import APIResponseValidationError as APIResponseValidationError
from ._core._errors import APIStatusError as APIStatusError
from ._core._errors import APITimeoutError as APITimeoutError
from ._core._errors import AuthenticationError as AuthenticationError
from ._core._errors import BadRequestError as BadRequestError
from ._core._errors import ConflictError as ConflictError
from ._core._errors import InternalServerError as InternalServerError
from ._core._errors import InvalidWebhookSignatureError as InvalidWebhookSignatureError
from ._core._errors import NotFoundError as NotFoundError
from ._core._errors import OpenAIError as OpenAIError
from ._core._errors import PermissionDeniedError as PermissionDeniedError
from ._core._errors import RateLimitError as RateLimitError
from ._core._errors import RequestInfo as RequestInfo
from ._core._errors import StreamAlreadyConsumed as StreamAlreadyConsumed
from ._core._errors import UnprocessableEntityError as UnprocessableEntityError
from ._core._fetch_ahead import PageStream as PageStream
from ._core._headers import Headers as Headers
from ._core._options import NOT_GIVEN as NOT_GIVEN
from ._core._options import NotGiven as NotGiven
from ._core._options import Omit as Omit
from ._core._options import RequestOptions as RequestOptions
from ._core._options import Timeout as Timeout
from ._core._options import not_given as not_given
from ._core._options import omit as omit
from ._core._pagination import AsyncConversationCursorPage as AsyncConversationCursorPage
from ._core._pagination import AsyncCursorPage as AsyncCursorPage
from ._core._pagination import AsyncNextCursorPage as AsyncNextCursorPage
from ._core._pagination import AsyncPage as AsyncPage
from ._core._pagination import AsyncPaginator as AsyncPaginator
from ._core._pagination import AsyncTokenPage as AsyncTokenPage
from ._core._pagination import PageInfo as PageInfo
from ._core._portal._errors import BlockingCallInTrioError as BlockingCallInTrioError
from ._core._portal._errors import PortalClosedError as PortalClosedError
from ._core._ratelimits import RateLimits as RateLimits
from ._core._response import APIResponse as APIResponse
from ._core._response import AsyncAPIResponse as AsyncAPIResponse
from ._core._response import BinaryContent as BinaryContent
from ._core._response import HTTPRequest as HTTPRequest
from ._core._response import ResponseMeta as ResponseMeta
from ._core._retry import RetryPolicy as RetryPolicy
from ._core._streaming import AsyncStream as AsyncStream
from ._core._streaming import NamedEvent as NamedEvent
from ._core._transport import AsyncTransport as AsyncTransport
from ._core._transport import HTTPTransport as HTTPTransport
from ._core._transport import PoolStatistics as PoolStatistics
from ._core._walk import ItemStream as ItemStream
from ._core._walk import PageWalk as PageWalk
from ._sync import OpenAI as OpenAI
from ._version import __version__ as __version__
from .realtime._errors import WebSocketConnectionClosedError as WebSocketConnectionClosedError
from .realtime._errors import WebSocketConnectionRejectedError as WebSocketConnectionRejectedError
from .types._base import BaseModel as BaseModel

if _typing.TYPE_CHECKING:  # structured outputs: loaded on first use (see __getattr__ below)
    from .lib._parsing._errors import ContentFilterFinishReasonError as ContentFilterFinishReasonError
    from .lib._parsing._errors import LengthFinishReasonError as LengthFinishReasonError
    from .lib._parsing._errors import StructuredOutputError as StructuredOutputError
    from .lib._parsing._tools import function_tool as function_tool
    from .lib._parsing._tools import pydantic_function_tool as pydantic_function_tool
    from .lib._parsing._tools import pydantic_responses_function_tool as pydantic_responses_function_tool
    from .lib._parsing._tools import responses_function_tool as responses_function_tool
    from .lib.azure import AsyncAzureOpenAI as AsyncAzureOpenAI
    from .lib.azure import AzureOpenAI as AzureOpenAI

_LAZY = {
    "AsyncAzureOpenAI": ".lib.azure",
    "AzureOpenAI": ".lib.azure",
    "ContentFilterFinishReasonError": ".lib._parsing._errors",
    "LengthFinishReasonError": ".lib._parsing._errors",
    "StructuredOutputError": ".lib._parsing._errors",
    "function_tool": ".lib._parsing._tools",
    "pydantic_function_tool": ".lib._parsing._tools",
    "pydantic_responses_function_tool": ".lib._parsing._tools",
    "responses_function_tool": ".lib._parsing._tools",
}


# --- httpx interop (transport): names that import httpx2 on first access --------------------------------
_HTTPX_EXPORTS = (
    "DefaultAsyncHttpx2Client",
    "DefaultAsyncHttpxClient",
    "DefaultHttpx2Client",
    "DefaultHttpxClient",
)

if _typing.TYPE_CHECKING:  # they exist at run time, made on first access
    from collections.abc import Callable
    from typing import Any

    DefaultAsyncHttpxClient: type[Any]
    DefaultHttpxClient: type[Any]
    DefaultAsyncHttpx2Client: Callable[..., Any]
    DefaultHttpx2Client: Callable[..., Any]


# --- end httpx interop ------------------------------------------------------------------------------------

# The module-level client (``trio_openai.api_key = ...; trio_openai.chat.completions.create(...)``):
# settings read by `_module_client.load_client` on first use, ``None`` meaning "from the environment".
api_key: str | None = None
organization: str | None = None
project: str | None = None
webhook_secret: str | None = None
base_url: str | None = None
timeout: float | Timeout | None = None
max_retries: int | None = None
default_headers: dict[str, str] | None = None
default_query: dict[str, object] | None = None
admin_api_key: str | None = None
# Azure, as in the official SDK: ``api_type = "azure"`` (or Azure settings alone) builds an AzureOpenAI;
# ``None`` here means OPENAI_API_TYPE, OPENAI_API_VERSION, AZURE_OPENAI_ENDPOINT ... from the environment.
api_type: _typing.Literal["openai", "azure"] | None = None
api_version: str | None = None
azure_endpoint: str | None = None
azure_ad_token: str | None = None
azure_ad_token_provider: _typing.Callable[[], str] | None = None

__all__ = [
    "responses_function_tool",
    "pydantic_responses_function_tool",
    "pydantic_function_tool",
    "function_tool",
    "StructuredOutputError",
    "LengthFinishReasonError",
    "ContentFilterFinishReasonError",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAPIResponse",
    "AsyncAzureOpenAI",
    "AsyncConversationCursorPage",
    "AsyncCursorPage",
    "AsyncNextCursorPage",
    "AsyncOpenAI",
    "AsyncPage",
    "AsyncPaginator",
    "AsyncStream",
    "AsyncTokenPage",
    "AsyncTransport",
    "AuthenticationError",
    "AzureOpenAI",
    "BadRequestError",
    "BaseModel",
    "BinaryContent",
    "BlockingCallInTrioError",
    "ClientStatistics",
    "ConflictError",
    "DefaultAsyncHttpx2Client",
    "DefaultAsyncHttpxClient",
    "DefaultHttpx2Client",
    "DefaultHttpxClient",
    "HTTPTransport",
    "HTTPRequest",
    "Headers",
    "ItemStream",
    "PageInfo",
    "PageStream",
    "PageWalk",
    "RequestInfo",
    "ResponseMeta",
    "InternalServerError",
    "InvalidWebhookSignatureError",
    "NOT_GIVEN",
    "NamedEvent",
    "NotFoundError",
    "NotGiven",
    "Omit",
    "OpenAI",
    "OpenAIError",
    "PermissionDeniedError",
    "PoolStatistics",
    "PortalClosedError",
    "RateLimitError",
    "RateLimits",
    "RequestOptions",
    "RetryPolicy",
    "Stream",
    "StreamAlreadyConsumed",
    "SyncAPIResponse",
    "SyncBasePage",
    "SyncConversationCursorPage",
    "SyncCursorPage",
    "SyncNextCursorPage",
    "SyncPage",
    "SyncTokenPage",
    "Timeout",
    "UnprocessableEntityError",
    "WebSocketConnectionClosedError",
    "WebSocketConnectionRejectedError",
    "__version__",
    "not_given",
    "omit",
]


def __getattr__(name: str) -> object:
    """``trio_openai.chat`` ...: the resources of the module-level client, built on first use; and the
    httpx interop names, which import httpx2 on first access; and the names loaded lazily (``_LAZY``)."""
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(_importlib.import_module(module, __name__), name)
        _publish(name, value)
        globals()[name] = value
        return value
    if name in _HTTPX_EXPORTS:
        from ._core._transport_httpx import lazy_export

        value = lazy_export(name)
        _publish(name, value)
        globals()[name] = value
        return value
    if name.startswith("_"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import _module_client

    if name not in _module_client.resource_names():
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return _module_client.resource(name)


def _publish(name: str, value: object) -> None:
    """Name a class or function defined in a private module as ``trio_openai.X`` (as httpx does), so
    tracebacks, reprs, pickles and the reference docs show the public path. Pickling still works: the
    root exports every such name, the lazy ones through ``__getattr__``; an object exported under another
    name than its own (``DefaultHttpx2Client``) keeps its module, or pickle could not find it.

    A class's own string annotations are resolved in its home module first and stored evaluated, since
    msgspec and ``typing.get_type_hints`` resolve them through ``sys.modules[cls.__module__]`` (those that
    name something imported only for type checkers stay strings: they did not resolve before either)."""
    module = getattr(value, "__module__", None)
    if getattr(value, "__qualname__", None) != name:
        return
    if not (isinstance(module, str) and module.startswith(__name__ + ".")):
        return
    if not any(part.startswith("_") for part in module.split(".")[1:]):
        return  # defined in a public module already
    if isinstance(value, type):
        _freeze_annotations(value, module)
    elif not callable(value):
        return
    try:
        value.__module__ = __name__
    except (AttributeError, TypeError):  # pragma: no cover - a builtin or frozen object
        pass


def _freeze_annotations(cls: type, module: str) -> None:
    own: dict[str, object] | None = vars(cls).get("__annotations__")  # own, not inherited; mutable
    if not own or not any(isinstance(v, str) for v in own.values()):
        return
    namespace = vars(_sys.modules[module])
    local = dict(vars(cls))
    try:
        resolved = {k: eval(v, namespace, local) if isinstance(v, str) else v for k, v in own.items()}
    except Exception:  # a name imported only for type checkers: leave them as they are
        return
    own.update(resolved)


def _publish_eager() -> None:
    for name in __all__:
        if name not in _LAZY and name not in _HTTPX_EXPORTS and not name.startswith("_"):
            _publish(name, globals()[name])


_publish_eager()
