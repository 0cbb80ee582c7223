"""Test helpers for trio_openai and for your own tests.

* :class:`MockTransport`: answer a client's requests from a function, with no sockets at all.
* :func:`open_fake_server` / :class:`FakeServerThread`: an in-process OpenAI-like HTTP server on
  127.0.0.1 (trio + h11) serving deterministic models, chat completions (streamed too), responses,
  paginated files, batches and embeddings, where a test can script any reply: status, headers,
  body, delay, a dropped connection.
* :func:`open_fault_proxy`: a TCP proxy on 127.0.0.1 that injects network faults (latency, bandwidth
  limits, resets and truncations at any byte, injected bytes, connections closed between requests)
  between any client and any server.
"""

from ._config import DEFAULT_MODELS as DEFAULT_MODELS
from ._config import FakeServerConfig as FakeServerConfig
from ._config import FakeServerOptions as FakeServerOptions
from ._fault_proxy import FaultProxy as FaultProxy
from ._fault_proxy import FaultProxyStats as FaultProxyStats
from ._fault_proxy import Faults as Faults
from ._fault_proxy import open_fault_proxy as open_fault_proxy
from ._mock import MockRequest as MockRequest
from ._mock import MockResponse as MockResponse
from ._mock import MockTransport as MockTransport
from ._records import RecordedRequest as RecordedRequest
from ._records import ServerStats as ServerStats
from ._reply import DropPoint as DropPoint
from ._reply import Reply as Reply
from ._routes import Handler as Handler
from ._server import FakeServer as FakeServer
from ._server import open_fake_server as open_fake_server
from ._thread import FakeServerThread as FakeServerThread

__all__ = [
    "DEFAULT_MODELS",
    "DropPoint",
    "FakeServer",
    "FakeServerConfig",
    "FakeServerOptions",
    "FakeServerThread",
    "FaultProxy",
    "FaultProxyStats",
    "Faults",
    "Handler",
    "MockRequest",
    "MockResponse",
    "MockTransport",
    "RecordedRequest",
    "Reply",
    "ServerStats",
    "open_fake_server",
    "open_fault_proxy",
]
