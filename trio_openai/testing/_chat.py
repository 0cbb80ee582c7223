"""``POST /v1/chat/completions``: a deterministic echo model, with streaming and tool calls.

With a ``json_schema`` response format the content is a value generated from the schema
(:mod:`._schema_sample`), and so are the arguments of the tools the prompt names (``call <name>``).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from ._records import RecordedRequest
from ._reply import Reply, error_body, sse_frame
from ._schema_sample import sample_for_schema
from ._state import BadRequest, ServerState, as_dict, as_list, json_body, require, stream_knobs
from ._streams import count_tokens, split_text, stream_reply

__all__ = [
    "create_chat_completion",
    "last_user_text",
    "message_text",
    "sample_arguments",
    "structured_schema",
]

_FINGERPRINT = "fp_fake"
_ARGUMENT_PIECE = 8  # streamed tool-call arguments come in fragments of about this many characters


def create_chat_completion(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    document = json_body(request)
    model = require(document, "model")
    turns = as_list(document.get("messages"))
    if not turns:
        raise BadRequest("[] is too short - 'messages'", param="messages", code="empty_array")
    n = document.get("n") or 1
    if not isinstance(n, int) or not 1 <= n <= 128:
        raise BadRequest(
            f"{n!r} is not a valid value for 'n': it must be an integer from 1 to 128.", param="n"
        )
    prompt = last_user_text(turns)
    calls = _tool_calls(document.get("tools"), prompt, state)
    schema = structured_schema(document.get("response_format"))
    if calls:
        text = None
    elif schema is not None:
        text = msgspec.json.encode(sample_for_schema(schema)).decode()
    else:
        text = f"Echo: {prompt}"
    prompt_tokens = sum(count_tokens(message_text(turn)) + 3 for turn in turns)
    produced = (
        sum(count_tokens(call["function"]["arguments"]) for call in calls)
        if calls
        else count_tokens(text or "")
    )
    usage = _usage(prompt_tokens, produced * n)
    head = {
        "id": state.next_id("chatcmpl-"),
        "object": "chat.completion",
        "created": state.config.created,
        "model": str(model),
        "service_tier": "default",
        "system_fingerprint": _FINGERPRINT,
    }
    finish_reason = "tool_calls" if calls else "stop"
    if document.get("stream"):
        include_usage = bool(as_dict(document.get("stream_options")).get("include_usage"))
        return _stream(request, state, head, n, text, calls, finish_reason, usage if include_usage else None)
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None, "annotations": []}
    if calls:
        message["tool_calls"] = calls
    choices = [
        {"index": index, "message": message, "logprobs": None, "finish_reason": finish_reason}
        for index in range(n)
    ]
    return Reply(json={**head, "choices": choices, "usage": usage})


def _stream(
    request: RecordedRequest,
    state: ServerState,
    head: dict[str, Any],
    n: int,
    text: str | None,
    calls: list[dict[str, Any]],
    finish_reason: str,
    usage: dict[str, Any] | None,
) -> Reply:
    knobs = stream_knobs(state, request)
    chunk_head = {**head, "object": "chat.completion.chunk"}
    if usage is not None:
        chunk_head["usage"] = None

    def chunk(index: int, delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}
        return sse_frame({**chunk_head, "choices": [choice]})

    frames: list[bytes] = []
    for index in range(n):
        frames.append(
            chunk(index, {"role": "assistant", "content": "" if text is not None else None, "refusal": None})
        )
    if text is not None:
        for piece in split_text(text, knobs.chunks):
            frames.extend(chunk(index, {"content": piece}) for index in range(n))
    for position, call in enumerate(calls):
        function = call["function"]
        opening = {
            "index": position,
            "id": call["id"],
            "type": "function",
            "function": {"name": function["name"], "arguments": ""},
        }
        frames.extend(chunk(index, {"tool_calls": [opening]}) for index in range(n))
        arguments: str = function["arguments"]
        pieces = knobs.chunks or max(1, -(-len(arguments) // _ARGUMENT_PIECE))
        for piece in split_text(arguments, pieces):
            delta = {"tool_calls": [{"index": position, "function": {"arguments": piece}}]}
            frames.extend(chunk(index, delta) for index in range(n))
    frames.extend(chunk(index, {}, finish_reason) for index in range(n))
    if usage is not None:
        frames.append(sse_frame({**chunk_head, "choices": [], "usage": usage}))
    error = sse_frame(error_body(500, "The fake server interrupted this stream.", code="server_error"))
    return stream_reply(frames, knobs, error, done=True)


def message_text(message: object) -> str:
    """The text of a chat message (or Responses input item): a string, or its text parts joined."""
    content = as_dict(message).get("content")
    if isinstance(content, str):
        return content
    texts = [as_dict(part).get("text") for part in as_list(content)]
    return " ".join(text for text in texts if isinstance(text, str))


def last_user_text(messages: list[Any]) -> str:
    """The text of the last message with role ``user`` (chat messages and Responses input items alike)."""
    for message in reversed(messages):
        if as_dict(message).get("role") == "user":
            return message_text(message)
    return ""


def _tool_calls(tools: object, prompt: str, state: ServerState) -> list[dict[str, Any]]:
    """One call per tool named as ``call <name>`` in the prompt, in the order they are named."""
    named: list[tuple[int, str, object]] = []
    for tool in as_list(tools):
        function = as_dict(as_dict(tool).get("function"))
        name = function.get("name")
        if not isinstance(name, str):
            continue
        found = re.search(rf"\bcall {re.escape(name)}(?![\w-])", prompt)
        if found:
            named.append((found.start(), name, function.get("parameters")))
    named.sort(key=lambda item: item[0])
    return [
        {
            "id": state.next_id("call_"),
            "type": "function",
            "function": {"name": name, "arguments": sample_arguments(schema)},
        }
        for _, name, schema in named
    ]


def structured_schema(response_format: object) -> dict[str, Any] | None:
    """The schema of a ``json_schema`` response format (chat) or text format (Responses), else ``None``."""
    fmt = as_dict(response_format)
    if fmt.get("type") != "json_schema":
        return None
    inner = as_dict(fmt.get("json_schema")) if "json_schema" in fmt else fmt
    schema: object = inner.get("schema")
    return as_dict(schema) if schema is not None else {"type": "object", "properties": {}}


def sample_arguments(schema: object) -> str:
    """Deterministic JSON arguments that conform to the tool's JSON schema; ``{}`` without one."""
    sample = sample_for_schema(schema)
    return msgspec.json.encode(sample if isinstance(sample, dict) else {}).decode()


def _usage(prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }
