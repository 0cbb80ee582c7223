"""The request pipeline: one call prepared (`_request`), sent through the transport, retried (`_retry`).

`send` is the composition: `prepare` builds the request once; each attempt asks the transport for a
response, reads the body when asked to (or when the status is an error), maps transport failures to
this library's errors at that boundary, and turns an error status into a typed `APIStatusError`;
`retrying` decides about another attempt; ``Timeout.total`` bounds the whole, retries and sleeps
included, until the response is handed back (reading a streamed body afterwards is not bounded by it).
Nothing here knows about specific endpoints; the transport below knows nothing about OpenAI.
"""

from __future__ import annotations

import logging
from typing import Any

import httpcore2
import trio

from ._cleanup import shielded
from ._errors import APITimeoutError, RequestInfo, status_error
from ._headers import Headers
from ._logs import logger
from ._rategate import current_gate
from ._request import ApiKey, BaseURL, Call, ClientConfig, apply_headers, prepare, resolve_api_key
from ._response import APIResponse, no_value
from ._retry import retrying
from ._transport import TRANSPORT_ERRORS, map_transport_errors, transport_error

__all__ = [
    "ApiKey",
    "BaseURL",
    "Call",
    "ClientConfig",
    "Sent",
    "apply_headers",
    "map_transport_errors",
    "resolve_api_key",
    "send",
]


class Sent:
    """What the pipeline hands back: the live response, its body if it was read, and the facts."""

    __slots__ = ("content", "elapsed", "raw", "request_info", "retries_taken")

    def __init__(
        self,
        raw: httpcore2.Response,
        content: bytes | None,
        request_info: RequestInfo,
        retries_taken: int,
        elapsed: float,
    ) -> None:
        self.raw = raw
        self.content = content
        self.request_info = request_info
        self.retries_taken = retries_taken
        self.elapsed = elapsed


async def _read(raw: httpcore2.Response) -> bytes:
    """The whole body; the connection goes back to the pool, or is closed if the read fails."""
    try:
        content = await raw.aread()
    except BaseException:
        with shielded():  # a cancelled read still releases the connection
            await raw.aclose()
        raise
    await raw.aclose()  # the body is complete: this returns the connection to the pool
    return content


async def send(config: ClientConfig, call: Call[Any], *, read_body: bool) -> Sent:
    """Send ``call`` with retries. With ``read_body`` the body is read (and the connection released)
    inside each attempt, so a connection dropped mid-body is retried too; otherwise the successful
    response is returned with its body still streaming. Error statuses are raised as typed errors."""
    prepared = await prepare(config, call)
    info = prepared.info
    transport = config.transport
    gate = current_gate()  # a fleet's shared rate limit gate, when the caller set one
    debug = logger.isEnabledFor(logging.DEBUG)

    async def attempt(retries_taken: int) -> Sent:
        request = await prepared.request(retries_taken)
        if gate is not None:
            await gate.wait()
        started = trio.current_time()
        content: bytes | None = None
        try:
            raw = await transport.handle_async_request(request)
            if read_body or raw.status >= 400:
                content = await _read(raw)
        except TRANSPORT_ERRORS as exc:
            raise transport_error(exc, info) from exc
        elapsed = trio.current_time() - started
        status = raw.status
        if gate is not None:
            gate.observe(status, Headers(raw.headers))
        if debug:
            request_id = Headers(raw.headers).get("x-request-id")
            logger.debug('HTTP Request: %s %s "%d" request_id=%s', call.method, info.url, status, request_id)
        if status < 400:
            return Sent(raw, content, info, retries_taken, elapsed)
        body = content or b""
        response = APIResponse[None](
            raw, body, request_info=info, retries_taken=retries_taken, elapsed=elapsed, parser=no_value
        )
        raise status_error(status, response.headers, body, info, response=response)

    total = prepared.timeout.total
    if total is None:
        return await retrying(config.retry, prepared.max_retries, attempt, path=call.path)
    with trio.move_on_after(total) as scope:
        return await retrying(config.retry, prepared.max_retries, attempt, path=call.path)
    assert scope.cancelled_caught
    raise APITimeoutError(info, message=f"Request timed out (total timeout of {total} s).")
