"""The fake OpenAI server, driven by a tiny raw h11 client (never by trio_openai's own client).

Testing policy: loopback only, ephemeral ports, every I/O test under ``trio.fail_after``; timing
tests run under pytest-trio's ``autojump_clock`` so server delays cost no wall time.
"""

from __future__ import annotations

import base64
import http.client
import itertools
import json
import math
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import h11
import pytest
import trio
import trio.testing

from trio_openai.testing._config import DEFAULT_MODELS
from trio_openai.testing._records import RecordedRequest
from trio_openai.testing._reply import Reply
from trio_openai.testing._server import FakeServer, open_fake_server
from trio_openai.testing._thread import FakeServerThread

# --------------------------------------------------------------------------- a raw HTTP/1.1 client


class Dropped(Exception):
    """The server closed the connection before the response was complete."""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    pieces: list[bytes]

    def json(self) -> Any:
        return json.loads(self.body)

    def events(self) -> list[tuple[str | None, str]]:
        return parse_sse(self.body)


def parse_sse(raw: bytes) -> list[tuple[str | None, str]]:
    """(event name, data) for each frame; enough SSE for what the server sends."""
    found: list[tuple[str | None, str]] = []
    for frame in raw.decode().split("\n\n"):
        if not frame.strip():
            continue
        name = None
        data: list[str] = []
        for line in frame.split("\n"):
            field, _, value = line.partition(": ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        found.append((name, "\n".join(data)))
    return found


class RawClient:
    """One keep-alive HTTP/1.1 connection, spoken with h11 over a trio TCP stream."""

    def __init__(self, stream: trio.SocketStream) -> None:
        self.stream = stream
        self.conn = h11.Connection(h11.CLIENT)

    @classmethod
    async def connect(cls, server: FakeServer) -> RawClient:
        return cls(await trio.open_tcp_stream("127.0.0.1", server.port))

    async def aclose(self) -> None:
        await self.stream.aclose()

    async def send(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        chunked: list[bytes] | None = None,
    ) -> None:
        fields = [("host", "127.0.0.1"), *(headers or {}).items()]
        if json_body is not None:
            body = json.dumps(json_body).encode()
            fields.append(("content-type", "application/json"))
        if chunked is not None:
            fields.append(("transfer-encoding", "chunked"))
        elif method in ("POST", "PUT", "PATCH") or body:
            fields.append(("content-length", str(len(body))))
        await self.stream.send_all(self.conn.send(h11.Request(method=method, target=path, headers=fields)))
        for piece in chunked if chunked is not None else [body]:
            if piece:
                await self.stream.send_all(self.conn.send(h11.Data(data=piece)))
        await self.stream.send_all(self.conn.send(h11.EndOfMessage()))

    async def _event(self) -> h11.Event:
        while True:
            try:
                event = self.conn.next_event()
            except h11.RemoteProtocolError as problem:
                raise Dropped(str(problem)) from None
            if event is h11.NEED_DATA:
                self.conn.receive_data(await self.stream.receive_some(65536))
                continue
            if isinstance(event, h11.ConnectionClosed):
                raise Dropped("connection closed")
            assert isinstance(event, h11.Event)
            return event

    async def head(self) -> h11.Response:
        while True:
            event = await self._event()
            if isinstance(event, h11.Response):
                return event

    async def body_pieces(self) -> AsyncIterator[bytes]:
        while True:
            event = await self._event()
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return

    async def finish(self, head: h11.Response) -> Answer:
        pieces = [piece async for piece in self.body_pieces()]
        if self.conn.our_state is h11.DONE and self.conn.their_state is h11.DONE:
            self.conn.start_next_cycle()
        headers = {name.decode().lower(): value.decode() for name, value in head.headers}
        return Answer(head.status_code, headers, b"".join(pieces), pieces)

    async def request(self, method: str, path: str, **options: Any) -> Answer:
        await self.send(method, path, **options)
        return await self.finish(await self.head())

    async def read_until_closed(self) -> bytes:
        """Every byte the server still sends, until it closes the connection."""
        received = bytearray()
        while data := await self.stream.receive_some(65536):
            received += data
        return bytes(received)


async def fetch(server: FakeServer, method: str, path: str, **options: Any) -> Answer:
    """One request on a fresh connection."""
    client = await RawClient.connect(server)
    try:
        return await client.request(method, path, **options)
    finally:
        await client.aclose()


def chat(text: str = "hello there", **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}], **extra}


def sse_json(answer: Answer) -> list[Any]:
    return [json.loads(data) for _, data in answer.events() if data != "[DONE]"]


# --------------------------------------------------------------------------- models, headers, 404


async def test_models_list_retrieve_and_delete() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
            listing = (await fetch(server, "GET", "/v1/models")).json()
            assert listing["object"] == "list"
            assert [model["id"] for model in listing["data"]] == list(DEFAULT_MODELS)
            assert len(listing["data"]) == 10
            assert set(listing["data"][0]) == {"id", "object", "created", "owned_by"}

            one = await fetch(server, "GET", "/v1/models/gpt-4o")
            assert one.json()["id"] == "gpt-4o" and one.json()["object"] == "model"

            missing = await fetch(server, "GET", "/v1/models/not-a-model")
            assert missing.status == 404
            assert missing.json()["error"]["code"] == "model_not_found"
            assert set(missing.json()["error"]) == {"message", "type", "param", "code"}

            deleted = await fetch(server, "DELETE", "/v1/models/o3")
            assert deleted.json() == {"id": "o3", "object": "model", "deleted": True}
            assert (await fetch(server, "GET", "/v1/models/o3")).status == 404
            assert (await fetch(server, "DELETE", "/v1/models/o3")).status == 404
            assert server.errors == []


async def test_every_response_carries_request_id_and_rate_limit_headers() -> None:
    with trio.fail_after(5):
        async with open_fake_server(rate_limit_requests=3) as server:
            answers = [await fetch(server, "GET", path) for path in ("/v1/models", "/v1/nope", "/v1/models")]
            assert [answer.headers["x-request-id"] for answer in answers] == ["req_1", "req_2", "req_3"]
            assert [answer.headers["x-ratelimit-remaining-requests"] for answer in answers] == ["2", "1", "0"]
            for answer in answers:
                assert answer.headers["x-ratelimit-limit-requests"] == "3"
                assert answer.headers["x-ratelimit-reset-requests"] == "1s"
                assert int(answer.headers["x-ratelimit-limit-tokens"]) >= int(
                    answer.headers["x-ratelimit-remaining-tokens"]
                )
                assert answer.headers["x-ratelimit-reset-tokens"]
            assert [request.request_id for request in server.requests] == ["req_1", "req_2", "req_3"]
            server.requests.clear()
            assert (await fetch(server, "GET", "/v1/models")).headers["x-request-id"] == "req_4"
            assert server.stats.requests_served == 4 and len(server.requests) == 1


async def test_unknown_paths_and_methods_get_openai_404() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            for method, path in [("GET", "/v1/unknown"), ("PUT", "/v1/models"), ("GET", "/models")]:
                answer = await fetch(server, method, path)
                assert answer.status == 404
                error = answer.json()["error"]
                assert error["type"] == "invalid_request_error"
                assert error["message"] == f"Invalid URL ({method} {path})"


# --------------------------------------------------------------------------- chat completions


async def test_chat_completion_echoes_the_last_user_message() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            body = chat("first", n=3)
            body["messages"] += [
                {"role": "assistant", "content": "ignored"},
                {
                    "role": "user",
                    "content": [{"type": "text", "text": "what"}, {"type": "text", "text": "now"}],
                },
            ]
            answer = await fetch(server, "POST", "/v1/chat/completions", json_body=body)
            assert answer.status == 200 and answer.headers["content-type"] == "application/json"
            completion = answer.json()
            assert completion["object"] == "chat.completion"
            assert completion["id"] == "chatcmpl-fake000001"
            assert completion["model"] == "gpt-4o-mini"
            assert [choice["index"] for choice in completion["choices"]] == [0, 1, 2]
            for choice in completion["choices"]:
                assert choice["message"] == {
                    "role": "assistant",
                    "content": "Echo: what now",
                    "refusal": None,
                    "annotations": [],
                }
                assert choice["finish_reason"] == "stop" and choice["logprobs"] is None
            usage = completion["usage"]
            assert usage["completion_tokens"] == 3 * 3
            assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
            again = await fetch(server, "POST", "/v1/chat/completions", json_body=body)
            assert again.json()["id"] == "chatcmpl-fake000002"
            assert again.json()["choices"] == completion["choices"]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        (b'{"messages": [{"role": "user", "content": "x"}]}', "model"),
        (b'{"model": "gpt-4o", "messages": []}', "messages"),
        (b'{"model": "gpt-4o"}', "messages"),
        (b"not json", None),
        (b"[1, 2]", None),
    ],
)
async def test_chat_completion_validates_its_body(body: bytes, param: str | None) -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            answer = await fetch(server, "POST", "/v1/chat/completions", body=body)
            assert answer.status == 400
            assert answer.json()["error"]["param"] == param
            assert answer.json()["error"]["type"] == "invalid_request_error"


async def test_chat_stream_sends_role_content_finish_and_done() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            answer = await fetch(
                server, "POST", "/v1/chat/completions", json_body=chat("hi there you", stream=True)
            )
            assert answer.headers["content-type"].startswith("text/event-stream")
            assert answer.headers["transfer-encoding"] == "chunked"
            assert answer.events()[-1] == (None, "[DONE]")
            chunks = sse_json(answer)
            assert {chunk["object"] for chunk in chunks} == {"chat.completion.chunk"}
            assert len({chunk["id"] for chunk in chunks}) == 1
            assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}
            pieces = [chunk["choices"][0]["delta"]["content"] for chunk in chunks[1:-1]]
            assert pieces == ["Echo:", " hi", " there", " you"]
            assert chunks[-1]["choices"][0] == {
                "index": 0,
                "delta": {},
                "logprobs": None,
                "finish_reason": "stop",
            }
            assert all("usage" not in chunk for chunk in chunks)
            assert len(answer.pieces) == len(chunks) + 1  # one HTTP chunk per SSE event


async def test_chat_stream_usage_chunk_and_n_choices() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            body = chat("a b", stream=True, n=2, stream_options={"include_usage": True})
            chunks = sse_json(await fetch(server, "POST", "/v1/chat/completions", json_body=body))
            assert all(chunk["usage"] is None for chunk in chunks[:-1])
            assert chunks[-1]["choices"] == []
            assert chunks[-1]["usage"]["completion_tokens"] == 3 * 2
            texts = {0: "", 1: ""}
            for chunk in chunks[:-1]:
                (choice,) = chunk["choices"]
                texts[choice["index"]] += choice["delta"].get("content") or ""
            assert texts == {0: "Echo: a b", 1: "Echo: a b"}


async def test_chat_stream_chunk_count_from_header_and_from_config() -> None:
    with trio.fail_after(5):
        async with open_fake_server(chunks=2) as server:
            for headers, expected in [({}, 2), ({"X-Fake-Chunks": "5"}, 5)]:
                answer = await fetch(
                    server,
                    "POST",
                    "/v1/chat/completions",
                    json_body=chat("abcdefghij", stream=True),
                    headers=headers,
                )
                pieces = [chunk["choices"][0]["delta"].get("content") for chunk in sse_json(answer)[1:-1]]
                assert len(pieces) == expected
                assert "".join(pieces) == "Echo: abcdefghij"


async def test_chat_stream_chunk_delay(autojump_clock: trio.testing.MockClock) -> None:
    with trio.fail_after(60):
        async with open_fake_server(chunk_delay=1.0) as server:
            for headers, gap in [({}, 1.0), ({"X-Fake-Chunk-Delay-Ms": "250"}, 0.25)]:
                client = await RawClient.connect(server)
                await client.send(
                    "POST", "/v1/chat/completions", json_body=chat("a b c", stream=True), headers=headers
                )
                await client.head()
                arrivals = [trio.current_time() async for _ in client.body_pieces()]
                await client.aclose()
                steps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
                assert len(steps) == 6  # role, 4 pieces, finish, [DONE]
                assert steps == pytest.approx([gap] * len(steps))


async def test_chat_stream_error_event_after_n_chunks() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            answer = await fetch(
                server,
                "POST",
                "/v1/chat/completions",
                json_body=chat("one two three", stream=True),
                headers={"X-Fake-Stream-Error": "after=2"},
            )
            events = answer.events()
            assert len(events) == 3 and (None, "[DONE]") not in events
            error = json.loads(events[-1][1])["error"]
            assert set(error) == {"message", "type", "param", "code"}
            assert error["type"] == "server_error"


async def test_chat_stream_cut_drops_the_connection_after_n_chunks() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            client = await RawClient.connect(server)
            await client.send(
                "POST",
                "/v1/chat/completions",
                json_body=chat("one two three", stream=True),
                headers={"X-Fake-Stream-Cut": "3"},
            )
            assert (await client.head()).status_code == 200
            received: list[bytes] = []
            with pytest.raises(Dropped):
                async for piece in client.body_pieces():
                    received.append(piece)
            assert len(received) == 3
            await client.aclose()
            assert (await fetch(server, "GET", "/v1/models")).status == 200


@pytest.mark.parametrize("header", ["X-Fake-Chunks", "X-Fake-Stream-Cut", "X-Fake-Chunk-Delay-Ms"])
async def test_bad_knob_headers_are_a_400(header: str) -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            answer = await fetch(
                server, "POST", "/v1/chat/completions", json_body=chat(stream=True), headers={header: "lots"}
            )
            assert answer.status == 400 and "X-Fake" in answer.json()["error"]["message"]


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "days": {"type": "integer"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
        },
    },
}
TIME_TOOL = {"type": "function", "function": {"name": "get_time"}}


async def test_chat_tool_calls_when_asked_to_call_a_tool() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            body = chat("please call get_time and then call get_weather", tools=[WEATHER_TOOL, TIME_TOOL])
            choice = (await fetch(server, "POST", "/v1/chat/completions", json_body=body)).json()["choices"][
                0
            ]
            assert choice["finish_reason"] == "tool_calls"
            assert choice["message"]["content"] is None
            calls = choice["message"]["tool_calls"]
            assert [call["function"]["name"] for call in calls] == ["get_time", "get_weather"]
            assert [call["id"] for call in calls] == ["call_fake000001", "call_fake000002"]
            assert json.loads(calls[0]["function"]["arguments"]) == {}
            assert json.loads(calls[1]["function"]["arguments"]) == {
                "city": "fake",
                "days": 1,
                "unit": "celsius",
            }

            no_match = chat("call get_weatherman", tools=[WEATHER_TOOL])
            plain = (await fetch(server, "POST", "/v1/chat/completions", json_body=no_match)).json()[
                "choices"
            ][0]
            assert plain["finish_reason"] == "stop" and "tool_calls" not in plain["message"]


async def test_chat_tool_calls_stream_as_argument_deltas_by_index() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            body = chat("call get_weather, call get_time", tools=[WEATHER_TOOL, TIME_TOOL], stream=True)
            chunks = sse_json(await fetch(server, "POST", "/v1/chat/completions", json_body=body))
            assert chunks[0]["choices"][0]["delta"]["content"] is None
            assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"
            calls: dict[int, dict[str, str]] = {}
            for chunk in chunks[1:-1]:
                for delta in chunk["choices"][0]["delta"]["tool_calls"]:
                    call = calls.setdefault(delta["index"], {"id": "", "name": "", "arguments": ""})
                    call["id"] += delta.get("id", "")
                    call["name"] += delta.get("function", {}).get("name", "")
                    call["arguments"] += delta["function"]["arguments"]
            assert [call["name"] for call in calls.values()] == ["get_weather", "get_time"]
            assert json.loads(calls[0]["arguments"])["city"] == "fake"
            assert calls[1]["arguments"] == "{}"
            assert (
                sum(
                    1 for chunk in chunks[1:-1] if chunk["choices"][0]["delta"]["tool_calls"][0]["index"] == 0
                )
                > 2
            )


# --------------------------------------------------------------------------- responses


async def test_response_create_and_retrieve() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            body = {
                "model": "gpt-4.1",
                "input": [{"role": "user", "content": [{"type": "input_text", "text": "hi"}]}],
            }
            created = (await fetch(server, "POST", "/v1/responses", json_body=body)).json()
            assert created["id"] == "resp_fake000001" and created["object"] == "response"
            assert created["status"] == "completed"
            (message,) = created["output"]
            assert message["type"] == "message" and message["role"] == "assistant"
            assert message["content"][0]["type"] == "output_text"
            assert message["content"][0]["text"] == "Echo: hi"
            usage = created["usage"]
            assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
            retrieved = await fetch(server, "GET", f"/v1/responses/{created['id']}")
            assert retrieved.json() == created
            assert (await fetch(server, "GET", "/v1/responses/resp_missing")).status == 404
            missing_input = await fetch(server, "POST", "/v1/responses", json_body={"model": "gpt-4.1"})
            assert missing_input.status == 400 and missing_input.json()["error"]["param"] == "input"


RESPONSE_EVENT_TYPES = [
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.content_part.added",
    *["response.output_text.delta"] * 3,
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
    "response.completed",
]


async def test_response_stream_typed_events() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            body = {"model": "gpt-4.1", "input": "say hi", "stream": True}
            answer = await fetch(server, "POST", "/v1/responses", json_body=body)
            assert answer.headers["content-type"].startswith("text/event-stream")
            events = answer.events()
            assert [name for name, _ in events] == RESPONSE_EVENT_TYPES
            payloads = [json.loads(data) for _, data in events]
            assert [payload["type"] for payload in payloads] == RESPONSE_EVENT_TYPES
            assert [payload["sequence_number"] for payload in payloads] == list(range(len(events)))
            deltas = "".join(payload["delta"] for payload in payloads if "delta" in payload)
            assert deltas == "Echo: say hi" == payloads[-4]["text"]
            assert payloads[0]["response"]["status"] == "in_progress"
            assert payloads[-1]["response"]["status"] == "completed"
            assert payloads[-1]["response"]["output"][0]["content"][0]["text"] == "Echo: say hi"


async def test_response_stream_replay_from_a_sequence_number() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            body = {"model": "gpt-4.1", "input": "say hi", "stream": True}
            full = [
                json.loads(data)
                for _, data in (await fetch(server, "POST", "/v1/responses", json_body=body)).events()
            ]
            response_id = full[0]["response"]["id"]
            replay = await fetch(server, "GET", f"/v1/responses/{response_id}?stream=true&starting_after=4")
            assert [json.loads(data) for _, data in replay.events()] == full[5:]
            everything = await fetch(server, "GET", f"/v1/responses/{response_id}?stream=true")
            assert [json.loads(data) for _, data in everything.events()] == full
            bad = await fetch(server, "GET", f"/v1/responses/{response_id}?stream=true&starting_after=x")
            assert bad.status == 400


async def test_response_stream_error_knob_sends_an_error_event() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            body = {"model": "gpt-4.1", "input": "say hi", "stream": True}
            answer = await fetch(
                server, "POST", "/v1/responses", json_body=body, headers={"X-Fake-Stream-Error": "3"}
            )
            events = answer.events()
            assert [name for name, _ in events] == [*RESPONSE_EVENT_TYPES[:3], "error"]
            error = json.loads(events[-1][1])
            assert error["type"] == "error" and error["sequence_number"] == 3 and error["message"]


# --------------------------------------------------------------------------- cursor pagination


async def walk(server: FakeServer, path: str, query: str = "") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    client = await RawClient.connect(server)
    after = ""
    while True:
        page = (await client.request("GET", f"{path}?{query}{after}")).json()
        assert page["object"] == "list"
        if page["data"]:
            assert page["first_id"] == page["data"][0]["id"] and page["last_id"] == page["data"][-1]["id"]
        items += page["data"]
        if not page["has_more"]:
            break
        after = f"&after={page['last_id']}"
    await client.aclose()
    return items


async def test_files_pagination_walks_every_file_newest_first() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            files = await walk(server, "/v1/files")
            assert len(files) == 250 and len({file["id"] for file in files}) == 250
            created = [file["created_at"] for file in files]
            assert created == sorted(created, reverse=True)
            assert set(files[0]) >= {"id", "object", "bytes", "created_at", "filename", "purpose", "status"}
            assert server.stats.requests_served == 13  # 12 pages of 20, one of 10
            assert server.stats.connections_opened == 1


async def test_files_pagination_options_and_errors() -> None:
    with trio.fail_after(5):
        async with open_fake_server(files=7) as server:
            ascending = await walk(server, "/v1/files", "order=asc&limit=3")
            assert [file["id"] for file in ascending] == [f"file-fake{number:06d}" for number in range(1, 8)]
            whole = (await fetch(server, "GET", "/v1/files?limit=10000")).json()
            assert len(whole["data"]) == 7 and whole["has_more"] is False
            for query, status in [
                ("limit=0", 400),
                ("limit=10001", 400),
                ("limit=x", 400),
                ("order=up", 400),
            ]:
                assert (await fetch(server, "GET", f"/v1/files?{query}")).status == status
            assert (await fetch(server, "GET", "/v1/files?after=file-nope")).status == 404
            assert (await fetch(server, "GET", "/v1/files?after=file-fake000099")).status == 404
        async with open_fake_server(files=0) as server:
            empty = (await fetch(server, "GET", "/v1/files")).json()
            assert empty == {
                "object": "list",
                "data": [],
                "first_id": None,
                "last_id": None,
                "has_more": False,
            }


async def test_page_delay(autojump_clock: trio.testing.MockClock) -> None:
    with trio.fail_after(60):
        async with open_fake_server(page_delay=2.5, files=40) as server:
            start = trio.current_time()
            assert len(await walk(server, "/v1/files")) == 40
            assert trio.current_time() - start == pytest.approx(5.0)


async def test_fail_page_header() -> None:
    with trio.fail_after(5):
        async with open_fake_server(files=100) as server:
            always = {"X-Fake-Fail-Page": "2"}
            assert (await fetch(server, "GET", "/v1/files?limit=10", headers=always)).status == 200
            for _ in range(2):
                failed = await fetch(
                    server, "GET", "/v1/files?limit=10&after=file-fake000091", headers=always
                )
                assert failed.status == 500 and failed.json()["error"]["type"] == "server_error"
            once = {"X-Fake-Fail-Page": "3; status=429; times=1"}
            path = "/v1/files?limit=10&after=file-fake000081"
            assert (await fetch(server, "GET", path, headers=once)).status == 429
            assert (await fetch(server, "GET", path, headers=once)).status == 200
            assert (await fetch(server, "GET", path, headers={"X-Fake-Fail-Page": "x"})).status == 400


async def test_vector_store_files_and_batches() -> None:
    with trio.fail_after(5):
        async with open_fake_server(files=45) as server:
            files = await walk(server, "/v1/vector_stores/vs_abc/files", "limit=20")
            assert len(files) == 45
            assert {file["object"] for file in files} == {"vector_store.file"}
            assert {file["vector_store_id"] for file in files} == {"vs_abc"}

            client = await RawClient.connect(server)
            batches = [
                (await client.request("GET", f"/v1/batches/batch_{number}")).json() for number in range(200)
            ]
            await client.aclose()
            assert [batch["id"] for batch in batches] == [f"batch_{number}" for number in range(200)]
            assert {batch["object"] for batch in batches} == {"batch"}
            for batch in batches:
                counts = batch["request_counts"]
                assert counts["completed"] + counts["failed"] == counts["total"]
            again = (await fetch(server, "GET", "/v1/batches/batch_7")).json()
            assert again == batches[7]
            assert server.stats.connections_opened == 3


# --------------------------------------------------------------------------- embeddings


async def test_embeddings_float_and_base64_agree() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            body = {"model": "text-embedding-3-small", "input": ["alpha", "beta"]}
            floats = (await fetch(server, "POST", "/v1/embeddings", json_body=body)).json()
            assert floats["object"] == "list" and floats["model"] == "text-embedding-3-small"
            assert [item["index"] for item in floats["data"]] == [0, 1]
            vectors = [item["embedding"] for item in floats["data"]]
            assert [len(vector) for vector in vectors] == [1536, 1536]
            assert math.fsum(value * value for value in vectors[0]) == pytest.approx(1.0, abs=1e-5)
            assert vectors[0] != vectors[1]

            encoded = await fetch(
                server, "POST", "/v1/embeddings", json_body={**body, "encoding_format": "base64"}
            )
            decoded = [
                list(struct.unpack("<1536f", base64.b64decode(item["embedding"])))
                for item in encoded.json()["data"]
            ]
            assert decoded == vectors

            small = (
                await fetch(server, "POST", "/v1/embeddings", json_body={**body, "dimensions": 8})
            ).json()
            assert [len(item["embedding"]) for item in small["data"]] == [8, 8]
            tokens = (
                await fetch(server, "POST", "/v1/embeddings", json_body={**body, "input": [[1, 2], [3]]})
            ).json()
            assert len(tokens["data"]) == 2
            assert floats["usage"]["prompt_tokens"] == floats["usage"]["total_tokens"] == 2


@pytest.mark.parametrize(
    "body",
    [
        {"model": "m", "input": "x", "encoding_format": "hex"},
        {"model": "m", "input": []},
        {"model": "m", "input": [{"a": 1}]},
        {"model": "m", "input": "x", "dimensions": -1},
        {"input": "x"},
    ],
)
async def test_embeddings_validation(body: dict[str, Any]) -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            assert (await fetch(server, "POST", "/v1/embeddings", json_body=body)).status == 400


# --------------------------------------------------------------------------- scripting and overrides


async def test_scripted_replies_are_fifo_then_fall_back_to_the_default_route() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            server.script(
                "post",
                "chat/completions",
                Reply.error(429, "slow down", headers={"retry-after": "0"}),
                Reply(json={"scripted": True}, headers={"x-request-id": "req_custom"}),
            )
            server.script("GET", "/v1/models/", Reply(status=503, body=b"<html>busy</html>"))
            assert server.pending_scripts == 3
            client = await RawClient.connect(server)
            first = await client.request("POST", "/v1/chat/completions", json_body=chat())
            assert first.status == 429 and first.headers["retry-after"] == "0"
            assert first.json() == {
                "error": {
                    "message": "slow down",
                    "type": "requests",
                    "param": None,
                    "code": "rate_limit_exceeded",
                }
            }
            assert "x-ratelimit-limit-requests" in first.headers
            second = await client.request("POST", "/v1/chat/completions?api-version=1", json_body=chat())
            assert second.json() == {"scripted": True} and second.headers["x-request-id"] == "req_custom"
            third = await client.request("POST", "/v1/chat/completions", json_body=chat())
            assert third.json()["object"] == "chat.completion"
            assert (await client.request("GET", "/v1/models")).body == b"<html>busy</html>"
            assert (await client.request("GET", "/v1/models")).status == 200
            await client.aclose()
            assert server.pending_scripts == 0
            assert len(server.requests_to("POST", "/chat/completions")) == 3


async def test_scripted_sse_with_split_frames() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            reply = Reply.sse(
                [{"n": 1}, b'data: {"n"', b": 2}\n", b"\n", ("named", {"n": 3}), "raw text"],
                chunk_delay=0.001,
            )
            server.script("POST", "/v1/chat/completions", reply)
            answer = await fetch(server, "POST", "/v1/chat/completions", json_body=chat(stream=True))
            assert answer.headers["content-type"].startswith("text/event-stream")
            assert answer.pieces[1:3] == [b'data: {"n"', b": 2}\n"]
            assert answer.events() == [
                (None, '{"n":1}'),
                (None, '{"n": 2}'),
                ("named", '{"n":3}'),
                (None, "raw text"),
                (None, "[DONE]"),
            ]


async def test_route_override_and_handler_errors() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:

            def handler(request: RecordedRequest) -> Reply:
                return Reply(json={"echo": request.json(), "who": request.headers["X-Who"]})

            server.route("POST", "/things", handler)
            answer = await fetch(server, "POST", "/v1/things", json_body={"a": 1}, headers={"x-who": "me"})
            assert answer.json() == {"echo": {"a": 1}, "who": "me"}

            server.script("POST", "/v1/things", Reply(status=202))
            assert (await fetch(server, "POST", "/v1/things", json_body={})).status == 202

            def broken(request: RecordedRequest) -> Reply:
                raise LookupError("oops")

            server.route("GET", "/v1/models", broken)
            failed = await fetch(server, "GET", "/v1/models")
            assert failed.status == 500 and "oops" in failed.json()["error"]["message"]
            assert [type(error) for error in server.errors] == [LookupError]
            server.route("GET", "/v1/models", None)
            assert (await fetch(server, "GET", "/v1/models")).status == 200


def test_reply_validation() -> None:
    with pytest.raises(ValueError, match="one of"):
        Reply(json={}, body=b"x")
    with pytest.raises(ValueError, match="one of"):
        Reply(body=b"x", chunks=[b"y"])
    with pytest.raises(ValueError, match="drop"):
        Reply(drop="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        Reply(delay=-1)
    with pytest.raises(ValueError, match="status"):
        Reply(status=42)
    with pytest.raises(ValueError, match="status"):
        Reply(status=101)
    assert Reply.error(500, "x").json["error"]["type"] == "server_error"
    assert Reply.error(400, "x", type="custom", code="c", param="p").json == {
        "error": {"message": "x", "type": "custom", "param": "p", "code": "c"}
    }


# --------------------------------------------------------------------------- drops and delays


async def test_drop_before_headers() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            server.script("GET", "/models", Reply(drop="before_headers"))
            client = await RawClient.connect(server)
            await client.send("GET", "/v1/models")
            with pytest.raises(Dropped):
                await client.head()
            await client.aclose()
            assert server.stats.requests_served == 1
            assert (await fetch(server, "GET", "/v1/models")).status == 200


async def test_drop_after_headers() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            server.script("GET", "/models", Reply(json={"a": 1}, drop="after_headers"))
            client = await RawClient.connect(server)
            await client.send("GET", "/v1/models")
            head = await client.head()
            assert head.status_code == 200
            assert dict(head.headers)[b"content-length"] == b"7"
            with pytest.raises(Dropped):
                await client.finish(head)
            await client.aclose()


async def test_drop_mid_body() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            server.script(
                "GET",
                "/models",
                Reply(body=b"0123456789", drop="mid_body"),
                Reply(chunks=[b"ab", b"cd"], drop="mid_body"),
            )
            for expected in (b"01234", b"abcd"):
                client = await RawClient.connect(server)
                await client.send("GET", "/v1/models")
                await client.head()
                received = b""
                with pytest.raises(Dropped):
                    async for piece in client.body_pieces():
                        received += piece
                assert received == expected
                await client.aclose()


async def test_delay_then_answer(autojump_clock: trio.testing.MockClock) -> None:
    with trio.fail_after(100):
        async with open_fake_server(latency=0.5) as server:
            server.script("GET", "/models", Reply(json={"slow": True}, delay=30.0))
            start = trio.current_time()
            assert (await fetch(server, "GET", "/v1/models")).json() == {"slow": True}
            assert trio.current_time() - start == pytest.approx(30.0)
            start = trio.current_time()
            assert (await fetch(server, "GET", "/v1/models")).status == 200
            assert trio.current_time() - start == pytest.approx(0.5)


async def test_client_that_gives_up_during_a_delay_is_noticed(autojump_clock: trio.testing.MockClock) -> None:
    with trio.fail_after(100):
        async with open_fake_server() as server:
            server.script("POST", "/chat/completions", Reply(json={}, delay=60.0))
            client = await RawClient.connect(server)
            with trio.move_on_after(1.0) as scope:
                await client.request("POST", "/v1/chat/completions", json_body=chat())
            assert scope.cancelled_caught
            await client.aclose()
            with trio.fail_after(1.0):  # long before the 60 s delay ends
                await server.wait_for_stats(lambda stats: stats.connections_open == 0)
            assert server.stats.client_disconnects == 1
            assert (await fetch(server, "POST", "/v1/chat/completions", json_body=chat())).status == 200


async def test_client_that_disconnects_mid_stream_is_noticed() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            client = await RawClient.connect(server)
            await client.send(
                "POST",
                "/v1/chat/completions",
                json_body=chat(" ".join(["word"] * 50), stream=True),
                headers={"X-Fake-Chunk-Delay-Ms": "5"},
            )
            await client.head()
            pieces = client.body_pieces()
            await pieces.__anext__()
            await pieces.aclose()
            await client.aclose()
            await server.wait_for_stats(lambda stats: stats.connections_open == 0)
            assert server.stats.client_disconnects == 1
            assert (await fetch(server, "GET", "/v1/models")).status == 200


# --------------------------------------------------------------------------- HTTP/1.1 behaviour


async def test_keep_alive_reuses_one_connection() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            first = await RawClient.connect(server)
            for _ in range(3):
                assert (await first.request("GET", "/v1/models")).status == 200
            assert server.stats.connections_opened == 1 and server.stats.connections_open == 1
            second = await RawClient.connect(server)
            await second.request("POST", "/v1/chat/completions", json_body=chat(stream=True))
            await first.request("GET", "/v1/models")
            assert [request.connection_id for request in server.requests] == [1, 1, 1, 2, 1]
            await first.aclose()
            await second.aclose()
            await server.wait_for_stats(lambda stats: stats.connections_open == 0)
            assert server.stats.connections_opened == 2
            assert server.stats.requests_served == 5


async def test_request_recording_bodies_query_and_headers() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            client = await RawClient.connect(server)
            await client.request(
                "POST",
                "/v1/things?a=1&a=2&empty=&b=%20x",
                body=b"plain",
                headers={"X-Mixed-Case": "yes", "Content-Type": "text/plain"},
            )
            await client.request("POST", "/v1/things", chunked=[b"chunk one, ", b"", b"chunk two"])
            multipart = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.jsonl"\r\n\r\n{}\r\n--xyz--\r\n'
            await client.request(
                "POST",
                "/v1/files",
                body=multipart,
                headers={"content-type": "multipart/form-data; boundary=xyz"},
            )
            await client.aclose()
            plain, chunked, upload = server.requests
            assert (plain.method, plain.path) == ("POST", "/v1/things")
            assert plain.query == {"a": ["1", "2"], "empty": [""], "b": [" x"]}
            assert plain.query_value("a") == "1" and plain.query_value("zzz") is None
            assert plain.headers["x-mixed-case"] == plain.headers["X-MIXED-CASE"] == "yes"
            assert "Content-Type" in plain.headers and plain.body == b"plain"
            assert chunked.body == b"chunk one, chunk two"
            assert chunked.headers["transfer-encoding"] == "chunked"
            assert upload.body == multipart
            assert upload.headers.get_list("content-type") == ["multipart/form-data; boundary=xyz"]


async def test_connection_close_and_expect_continue() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            client = await RawClient.connect(server)
            answer = await client.request("GET", "/v1/models", headers={"connection": "close"})
            assert answer.status == 200
            assert await client.read_until_closed() == b""
            await client.aclose()

            client = await RawClient.connect(server)
            request = b"POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 28\r\n\r\n"
            await client.stream.send_all(request)
            assert (await client.stream.receive_some(1000)).startswith(b"HTTP/1.1 100 ")
            await client.stream.send_all(b'{"model": "m", "input": "x"}')
            assert (await client.stream.receive_some(100_000)).startswith(b"HTTP/1.1 200 ")
            await client.aclose()


async def test_head_requests_and_unsendable_replies() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            client = await RawClient.connect(server)
            head = await client.request("HEAD", "/v1/models")
            assert head.status == 200 and head.body == b"" and int(head.headers["content-length"]) > 100
            assert (await client.request("GET", "/v1/models")).status == 200
            await client.aclose()

            server.script("GET", "/models", Reply(json={}, headers={"x-bad": "line\nbreak"}))
            client = await RawClient.connect(server)
            await client.send("GET", "/v1/models")
            with pytest.raises(Dropped):
                await client.head()
            await client.aclose()
            assert (await fetch(server, "GET", "/v1/models")).status == 200


async def test_malformed_request_gets_a_400_and_a_close() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            client = await RawClient.connect(server)
            await client.stream.send_all(b"NONSENSE\r\n\r\n")
            reply = await client.read_until_closed()
            assert reply.startswith(b"HTTP/1.1 400 ")
            assert b'"error"' in reply
            await client.aclose()
            assert server.stats.requests_served == 0


async def test_idle_connections_are_closed_after_idle_timeout(autojump_clock: trio.testing.MockClock) -> None:
    with trio.fail_after(100):
        async with open_fake_server(idle_timeout=10.0) as server:
            client = await RawClient.connect(server)
            await client.request("GET", "/v1/models")
            start = trio.current_time()
            assert await client.read_until_closed() == b""
            assert trio.current_time() - start == pytest.approx(10.0)
            await client.aclose()


# --------------------------------------------------------------------------- lifetime


async def test_leaving_the_block_closes_listener_and_every_connection() -> None:
    with trio.fail_after(5):
        async with open_fake_server() as server:
            server.script("GET", "/models", Reply(json={}, delay=1000.0))
            idle = await RawClient.connect(server)
            await idle.request("GET", "/v1/models/gpt-4o")
            waiting = await RawClient.connect(server)
            await waiting.send("GET", "/v1/models")
            streaming = await RawClient.connect(server)
            await streaming.send(
                "POST",
                "/v1/chat/completions",
                json_body=chat(stream=True),
                headers={"X-Fake-Chunk-Delay-Ms": "100000"},
            )
            await streaming.head()
            await server.wait_for_stats(lambda stats: stats.requests_served == 3)
            port = server.port
        for client in (idle, waiting, streaming):
            await client.read_until_closed()  # returns: the server closed its side
            await client.aclose()
        with pytest.raises(OSError):
            await trio.open_tcp_stream("127.0.0.1", port)
        assert server.stats.connections_open == 0


async def test_exceptions_in_the_block_are_not_wrapped() -> None:
    with trio.fail_after(5):
        with pytest.raises(KeyError) as caught:
            async with open_fake_server() as server:
                await fetch(server, "GET", "/v1/models")
                try:
                    {}["missing"]
                except KeyError as original:
                    raise KeyError("mine") from original
        assert caught.value.args == ("mine",)
        assert isinstance(caught.value.__cause__, KeyError)
        assert not isinstance(caught.value.__context__, BaseExceptionGroup)


async def test_cancelling_around_the_server_is_clean() -> None:
    with trio.fail_after(5):
        with trio.move_on_after(0.05) as scope:
            async with open_fake_server() as server:
                await trio.sleep_forever()
        assert scope.cancelled_caught
        with pytest.raises(OSError):
            await trio.open_tcp_stream("127.0.0.1", server.port)


def test_thread_flavour_serves_sync_code() -> None:
    with FakeServerThread(files=3) as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
        server.script("GET", "/models", Reply.error(500, "boom"))
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        connection.request("GET", "/v1/models")
        failed = connection.getresponse()
        assert failed.status == 500 and json.loads(failed.read())["error"]["message"] == "boom"
        connection.request("GET", "/v1/files")
        files = json.loads(connection.getresponse().read())
        assert len(files["data"]) == 3
        assert server.stats.connections_opened == 1
        assert [request.path for request in server.requests] == ["/v1/models", "/v1/files"]
        assert server.requests_to("GET", "files")[0].request_id == "req_2"
        assert server.pending_scripts == 0 and server.errors == []
        thread = server._thread
    assert thread is not None and not thread.is_alive()
    with pytest.raises(ConnectionRefusedError):
        http.client.HTTPConnection("127.0.0.1", server.port, timeout=5).request("GET", "/v1/models")
    connection.close()


def test_thread_flavour_reports_startup_failure() -> None:
    with FakeServerThread() as first, pytest.raises(OSError):
        with FakeServerThread(port=first.port):
            pass
