"""The Azure OpenAI URL shapes of the fake server.

An Azure client talks to the same server under ``/openai/...`` (the server's ``azure_endpoint`` is its
root, ``http://127.0.0.1:PORT``):

* ``/openai/deployments/{deployment}/chat/completions?api-version=...`` (and the other deployment
  endpoints), ``/openai/models?api-version=...`` ...: the classic data plane, where ``api-version`` is
  required: without it the answer is Azure's 404 ``Resource not found``, with an unknown one a 400;
* ``/openai/v1/...``: the newer API, where ``api-version`` is optional;
* ``/openai/realtime?api-version=...&deployment=...`` and ``/openai/v1/realtime?model=...``: Realtime.

Every Azure request must carry an ``api-key`` header or an ``Authorization: Bearer`` token (else a 401
in Azure's shape); with the server's ``azure_api_key`` / ``azure_ad_token`` set, it must be that value.
Past these checks a request is answered by the route of its ``/v1/...`` equivalent (scripts, overrides
and the default routes), with the deployment standing for ``model`` when the body names none.
"""

from __future__ import annotations

import re

from ._config import FakeServerConfig
from ._records import RecordedRequest
from ._reply import Reply

__all__ = ["AzurePath", "azure_path", "azure_refusal"]

_DEPLOYMENT = re.compile(r"/openai/deployments/(?P<deployment>[^/]+)(?P<rest>/.*)?")
#: What the fake accepts as an ``api-version``: dates (with a ``-preview`` suffix or not) and the
#: ``preview`` / ``latest`` labels of the v1 API.
_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}(-preview)?|preview|latest")


class AzurePath:
    """An Azure-shaped request path, read: its ``/v1`` equivalent, its style and its deployment."""

    __slots__ = ("deployment", "v1", "v1_path")

    def __init__(self, v1_path: str, *, v1: bool, deployment: str | None) -> None:
        self.v1_path = v1_path
        self.v1 = v1
        self.deployment = deployment


def azure_path(path: str) -> AzurePath | None:
    """``/openai/...`` read as Azure (``None`` for any other path)."""
    path = path.partition("?")[0]
    if path == "/openai/v1" or path.startswith("/openai/v1/"):
        return AzurePath("/v1" + path[len("/openai/v1") :], v1=True, deployment=None)
    found = _DEPLOYMENT.fullmatch(path)
    if found:
        return AzurePath("/v1" + (found["rest"] or ""), v1=False, deployment=found["deployment"])
    if path == "/openai" or path.startswith("/openai/"):
        return AzurePath("/v1" + path[len("/openai") :], v1=False, deployment=None)
    return None


def _azure_error(status: int, code: str, message: str) -> Reply:
    return Reply(status=status, json={"error": {"code": code, "message": message}})


def azure_refusal(request: RecordedRequest, shape: AzurePath, config: FakeServerConfig) -> Reply | None:
    """The error Azure answers ``request`` with before any route sees it, or ``None`` to go on."""
    if not shape.v1:
        version = request.query_value("api-version")
        if not version:
            return _azure_error(404, "404", "Resource not found")
        if not _VERSION.fullmatch(version):
            return _azure_error(400, "BadRequest", "API version not supported")
    elif (version := request.query_value("api-version")) is not None and not _VERSION.fullmatch(version):
        return _azure_error(400, "BadRequest", "API version not supported")
    key = request.headers.get("api-key")
    authorization = request.headers.get("authorization") or ""
    token = authorization[len("Bearer ") :] if authorization.startswith("Bearer ") else None
    if key and config.azure_api_key in (None, key):
        return None
    if not key and token and config.azure_ad_token in (None, token):
        return None
    return _azure_error(
        401,
        "401",
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a "
        "valid key for an active subscription and use a correct regional API endpoint for your resource.",
    )
