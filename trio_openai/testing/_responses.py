"""``POST /v1/responses`` and ``GET /v1/responses/{id}``: the Responses API, streamed or not, replayable.

A ``text.format`` of type ``json_schema`` makes the answer a value generated from the schema; each function
tool the prompt names (``call <name>``) gets a ``function_call`` item with arguments generated from its schema.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from ._chat import last_user_text, sample_arguments, structured_schema
from ._records import RecordedRequest
from ._reply import Reply, sse_frame
from ._schema_sample import sample_for_schema
from ._state import (
    BadRequest,
    ServerState,
    StoredResponse,
    as_dict,
    as_list,
    json_body,
    require,
    stream_knobs,
)
from ._streams import count_tokens, split_text, stream_reply

__all__ = ["create_response", "retrieve_response"]

_ARGUMENT_PIECE = 8  # streamed arguments come in fragments of about this many characters


def create_response(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    document = json_body(request)
    model = require(document, "model")
    source = require(document, "input")
    prompt = source if isinstance(source, str) else last_user_text(as_list(source))
    text_config = as_dict(document.get("text"))
    schema = structured_schema(text_config.get("format"))
    text = f"Echo: {prompt}" if schema is None else msgspec.json.encode(sample_for_schema(schema)).decode()
    pieces = split_text(text, stream_knobs(state, request).chunks)
    response_id = state.next_id("resp_")
    input_tokens = count_tokens(prompt) + count_tokens(str(document.get("instructions") or ""))
    output_tokens = count_tokens(text)
    response: dict[str, Any] = {
        "id": response_id,
        "object": "response",
        "created_at": state.config.created,
        "status": "completed",
        "completed_at": state.config.created + 1,
        "error": None,
        "incomplete_details": None,
        "instructions": document.get("instructions"),
        "max_output_tokens": document.get("max_output_tokens"),
        "model": str(model),
        "output": [
            _message(state.next_id("msg_"), text, "completed"),
            *_function_calls(document.get("tools"), prompt, state),
        ],
        "parallel_tool_calls": True,
        "previous_response_id": document.get("previous_response_id"),
        "reasoning": {"effort": None, "summary": None},
        "store": document.get("store", True),
        "temperature": document.get("temperature", 1.0),
        "text": text_config or {"format": {"type": "text"}},
        "tool_choice": "auto",
        "tools": [],
        "top_p": document.get("top_p", 1.0),
        "truncation": "disabled",
        "usage": {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": input_tokens + output_tokens,
        },
        "user": None,
        "metadata": document.get("metadata") or {},
    }
    stored = StoredResponse(response, pieces)
    state.responses[response_id] = stored
    if document.get("stream"):
        return _stream(request, state, stored, starting_after=-1)
    return Reply(json=response)


def retrieve_response(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    """The stored response; with ``stream=true`` its events again, after ``starting_after`` if given."""
    stored = state.responses.get(params["id"])
    if stored is None:
        raise BadRequest(f"Response with id '{params['id']}' not found.", status=404, param="response_id")
    if request.query_value("stream") not in ("true", "1"):
        return Reply(json=stored.response)
    after = request.query_value("starting_after")
    try:
        starting_after = int(after) if after is not None else -1
    except ValueError:
        raise BadRequest(f"Invalid 'starting_after': {after!r}.", param="starting_after") from None
    return _stream(request, state, stored, starting_after=starting_after)


def events(stored: StoredResponse) -> list[dict[str, Any]]:
    """The full typed event sequence of a stored response, numbered from 0."""
    final = stored.response
    item = final["output"][0]
    text = item["content"][0]["text"]
    pending: dict[str, Any] = {
        **final,
        "status": "in_progress",
        "completed_at": None,
        "output": [],
        "usage": None,
    }
    where = {"item_id": item["id"], "output_index": 0}
    sequence: list[dict[str, Any]] = [
        {"type": "response.created", "response": pending},
        {"type": "response.in_progress", "response": pending},
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": _message(item["id"], "", "in_progress"),
        },
        {"type": "response.content_part.added", **where, "content_index": 0, "part": _text_part("")},
    ]
    for piece in stored.pieces:
        sequence.append(
            {
                "type": "response.output_text.delta",
                **where,
                "content_index": 0,
                "delta": piece,
                "logprobs": [],
            }
        )
    sequence += [
        {"type": "response.output_text.done", **where, "content_index": 0, "text": text, "logprobs": []},
        {"type": "response.content_part.done", **where, "content_index": 0, "part": _text_part(text)},
        {"type": "response.output_item.done", "output_index": 0, "item": item},
    ]
    for index, call in enumerate(final["output"][1:], start=1):
        arguments: str = call["arguments"]
        where = {"item_id": call["id"], "output_index": index}
        sequence.append(
            {"type": "response.output_item.added", "output_index": index, "item": {**call, "arguments": ""}}
        )
        for piece in split_text(arguments, max(1, -(-len(arguments) // _ARGUMENT_PIECE))):
            sequence.append({"type": "response.function_call_arguments.delta", **where, "delta": piece})
        sequence += [
            {
                "type": "response.function_call_arguments.done",
                **where,
                "arguments": arguments,
                "name": call["name"],
            },
            {"type": "response.output_item.done", "output_index": index, "item": call},
        ]
    sequence.append({"type": "response.completed", "response": final})
    return [{**event, "sequence_number": number} for number, event in enumerate(sequence)]


def _stream(
    request: RecordedRequest, state: ServerState, stored: StoredResponse, *, starting_after: int
) -> Reply:
    knobs = stream_knobs(state, request)
    wanted = [event for event in events(stored) if event["sequence_number"] > starting_after]
    frames = [sse_frame(event, event=event["type"]) for event in wanted]
    failure = {
        "type": "error",
        "code": "server_error",
        "message": "The fake server interrupted this stream.",
        "param": None,
        "sequence_number": starting_after + 1 + min(len(frames), knobs.error_after or 0),
    }
    return stream_reply(frames, knobs, sse_frame(failure, event="error"), done=False)


def _function_calls(tools: object, prompt: str, state: ServerState) -> list[dict[str, Any]]:
    """A ``function_call`` item per function tool named as ``call <name>`` in the prompt, in that order,
    its arguments generated from the tool's schema."""
    named: list[tuple[int, str, object]] = []
    for tool in as_list(tools):
        fields = as_dict(tool)
        name = fields.get("name")
        if fields.get("type") != "function" or not isinstance(name, str):
            continue
        found = re.search(rf"\bcall {re.escape(name)}(?![\w-])", prompt)
        if found:
            named.append((found.start(), name, fields.get("parameters")))
    named.sort(key=lambda item: item[0])
    return [
        {
            "type": "function_call",
            "id": state.next_id("fc_"),
            "call_id": state.next_id("call_"),
            "name": name,
            "arguments": sample_arguments(schema),
            "status": "completed",
        }
        for _, name, schema in named
    ]


def _message(item_id: str, text: str, status: str) -> dict[str, Any]:
    content = [_text_part(text)] if status == "completed" else []
    return {"id": item_id, "type": "message", "status": status, "role": "assistant", "content": content}


def _text_part(text: str) -> dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
