"""Test helpers: an in-memory MockTransport and (soon) an in-process fake OpenAI server."""

from ._mock import MockRequest as MockRequest
from ._mock import MockResponse as MockResponse
from ._mock import MockTransport as MockTransport

__all__ = ["MockRequest", "MockResponse", "MockTransport"]
