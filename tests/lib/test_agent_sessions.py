"""client.beta.agents.sessions.stream(...) and sessions.artifacts.for_result(...), async and blocking,
against the fake server's scripted agent (trio_openai/testing/_agent_sessions.py)."""

from __future__ import annotations

import functools
import inspect
import json
import pickle
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import msgspec
import pytest
import trio
import trio.lowlevel

from trio_openai import AsyncOpenAI, OpenAI
from trio_openai.lib._agent_results import AgentOutputParseError, AgentTurnResult, AgentTurnResultError
from trio_openai.lib.streaming.agents import AgentSessionStream, AgentToolError, AsyncAgentSessionStream
from trio_openai.testing import FakeServer, FakeServerThread, Reply, open_fake_server

P = ParamSpec("P")
T = TypeVar("T")

KEY = "sk-test-agent-sessions"
TIMEOUT = 10


@pytest.fixture
async def server() -> AsyncIterator[FakeServer]:
    async with open_fake_server() as fake:
        yield fake


@pytest.fixture
async def client(server: FakeServer) -> AsyncIterator[AsyncOpenAI]:
    async with AsyncOpenAI(base_url=server.base_url, api_key=KEY, max_retries=0) as c:
        yield c


async def new_session(client: AsyncOpenAI) -> str:
    with trio.fail_after(TIMEOUT):
        session = await client.beta.agents.sessions.create(environment={"type": "none"})
    return session.id


def calls(server: FakeServer) -> list[str]:
    return [f"{r.method} {r.path.removeprefix('/v1')}" for r in server.requests]


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    with trio.fail_after(TIMEOUT):
        return await trio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), abandon_on_cancel=True)


async def test_a_turn_streams_its_events_and_gives_its_result(
    client: AsyncOpenAI, server: FakeServer
) -> None:
    sid = await new_session(client)
    with trio.fail_after(TIMEOUT):
        turn = client.beta.agents.sessions.stream(sid, input="hello there", extra_headers={"X-Trace": "t1"})
        assert isinstance(turn, AsyncAgentSessionStream)
        assert calls(server) == ["POST /agents/sessions"]  # nothing sent before entering
        async with turn:
            kinds = [event.type async for event in turn]
            result = await turn.get_final_result()
    assert kinds[0] == "agent.session.turn.created" and kinds[-1] == "agent.session.idle"
    assert "agent.session.turn.output_text.delta" in kinds
    assert isinstance(result, AgentTurnResult)
    assert result.output_text == "You said: hello there"
    assert result.session_id == sid and result.turn.status == "completed" and result.output_parsed is None
    assert [m.type for m in result.messages] == ["message"]
    # the session, then the subscription, then the input: no event of the turn can be missed
    assert calls(server)[1:] == [
        f"GET /agents/sessions/{sid}",
        f"GET /agents/sessions/{sid}/events",
        f"POST /agents/sessions/{sid}/events",
    ]
    posted = server.requests[-1]
    assert posted.json() == {
        "events": [
            {
                "type": "agent.session.input.message",
                "input": [{"role": "user", "content": [{"type": "input_text", "text": "hello there"}]}],
            }
        ]
    }
    assert all(r.headers.get("x-trace") == "t1" for r in server.requests[1:])
    assert all(r.headers.get("openai-beta") == "agents=v1" for r in server.requests[1:])
    assert client.statistics().in_flight == 0


async def test_iterating_without_async_with_opens_and_get_final_result_reads_to_the_end(
    client: AsyncOpenAI,
) -> None:
    sid = await new_session(client)
    with trio.fail_after(TIMEOUT):
        turn = client.beta.agents.sessions.stream(
            sid, input=[{"role": "user", "content": [{"type": "input_text", "text": "a"}]}]
        )
        first = await turn.__anext__()
        result = await turn.get_final_result()
        await turn.aclose()
        again = await client.beta.agents.sessions.stream(sid, input="b").get_final_result()
    assert first.type == "agent.session.turn.created"
    assert result.output_text == "You said: a" and again.output_text == "You said: b"
    assert result.turn_id != again.turn_id
    assert client.statistics().in_flight == 0


async def test_tool_handlers_run_and_their_results_are_submitted(
    client: AsyncOpenAI, server: FakeServer
) -> None:
    sid = await new_session(client)
    seen: list[dict[str, Any]] = []

    async def add(arguments: dict[str, Any]) -> dict[str, int]:
        seen.append(arguments)
        await trio.lowlevel.checkpoint()
        return {"sum": arguments["a"] + arguments["b"]}

    with trio.fail_after(TIMEOUT):
        async with client.beta.agents.sessions.stream(
            sid, input='call add {"a": 1, "b": 2}', tool_handlers={"add": add}
        ) as turn:
            result = await turn.get_final_result()
    assert seen == [{"a": 1, "b": 2}]
    assert result.output_text == 'add returned {"sum":3}'
    submitted = server.requests[-1].json()["events"][0]
    assert submitted == {
        "type": "agent.session.input.tool_result",
        "turn_id": result.turn_id,
        "call_id": submitted["call_id"],
        "success": True,
        "output": '{"sum":3}',
    }


@pytest.mark.parametrize(
    ("handler", "stage"),
    [
        (lambda arguments: 1 / 0, "execution"),
        (lambda arguments: 5, "output"),
    ],
)
async def test_a_failing_tool_handler_submits_a_failed_result(
    client: AsyncOpenAI, server: FakeServer, handler: Callable[[dict[str, Any]], Any], stage: str
) -> None:
    sid = await new_session(client)
    failures: list[AgentToolError] = []
    with trio.fail_after(TIMEOUT):
        async with client.beta.agents.sessions.stream(
            sid, input="call work {}", tool_handlers={"work": handler}, on_tool_error=failures.append
        ) as turn:
            result = await turn.get_final_result()
    assert result.output_text == "work failed"
    assert [(f.tool_name, f.stage, f.session_id, f.turn_id) for f in failures] == [
        ("work", stage, sid, result.turn_id)
    ]
    submitted = server.requests[-1].json()["events"][0]
    assert submitted["success"] is False and submitted["error"] == "Tool handler failed."


async def test_bad_tool_arguments_fail_at_the_arguments_stage(client: AsyncOpenAI) -> None:
    sid = await new_session(client)
    failures: list[AgentToolError] = []
    with trio.fail_after(TIMEOUT):
        result = await client.beta.agents.sessions.stream(
            sid, input="call work [1]", tool_handlers={"work": lambda a: "x"}, on_tool_error=failures.append
        ).get_final_result()
    assert result.output_text == "work failed" and [f.stage for f in failures] == ["arguments"]


async def test_a_failed_turn_raises_with_what_was_seen(client: AsyncOpenAI) -> None:
    sid = await new_session(client)
    with trio.fail_after(TIMEOUT):
        async with client.beta.agents.sessions.stream(sid, input="fail") as turn:
            kinds = [e.type async for e in turn]
            with pytest.raises(AgentTurnResultError) as caught:
                await turn.get_final_result()
    assert kinds[-2:] == ["agent.session.turn.failed", "agent.session.idle"]
    error = caught.value
    assert error.reason == "failed" and error.session_id == sid
    assert error.turn is not None and error.turn.status == "failed" and error.turn_id == error.turn.id
    assert "failed" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.reason == "failed" and copy.turn_id == error.turn_id


def _frames(*events: dict[str, Any]) -> list[Any]:
    return list(events)


def _turn(status: str, turn_id: str = "turn_1", **extra: Any) -> dict[str, Any]:
    return {
        "id": turn_id,
        "object": "agent.session.turn",
        "agent_id": "agent_1",
        "session_id": "sess_x",
        "created_at": 1,
        "status": status,
        **extra,
    }


def _session(status: str) -> dict[str, Any]:
    return {
        "id": "sess_x",
        "object": "agent.session",
        "agent": {"id": "agent_1", "object": "agent"},
        "created_at": 1,
        "environment": {"type": "none"},
        "last_active_at": 1,
        "metadata": {},
        "required_actions": [],
        "status": status,
        "vault_ids": [],
    }


def _ev(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "event_id": "e", **fields}


def _script_turn(server: FakeServer, sid: str, *events: dict[str, Any], done: bool = False) -> None:
    server.script("GET", f"/agents/sessions/{sid}/events", Reply.sse(events, done=done))


async def test_the_turn_is_the_first_top_level_one_and_idle_before_it_does_not_end_the_stream(
    client: AsyncOpenAI, server: FakeServer
) -> None:
    sid = await new_session(client)
    _script_turn(
        server,
        sid,
        _ev("agent.session.idle", session=_session("idle")),
        _ev(
            "agent.session.turn.created",
            session_id=sid,
            turn_id="sub",
            turn=_turn("queued", "sub", subagent_id="s1"),
        ),
        _ev("agent.session.turn.created", session_id=sid, turn_id="turn_1", turn=_turn("queued")),
        _ev(
            "agent.session.turn.completed",
            session_id=sid,
            turn_id="sub",
            turn=_turn("completed", "sub", subagent_id="s1"),
        ),
        _ev("agent.session.turn.completed", session_id=sid, turn_id="turn_1", turn=_turn("completed")),
        _ev("agent.session.idle", session=_session("idle")),
        _ev("agent.session.in_progress", session=_session("in_progress")),  # after the end: not read
    )
    with trio.fail_after(TIMEOUT):
        async with client.beta.agents.sessions.stream(sid, input="x") as turn:
            kinds = [e.type async for e in turn]
            result = await turn.get_final_result()
    assert len(kinds) == 6 and kinds[-1] == "agent.session.idle"
    assert result.turn_id == "turn_1" and result.output_text == ""


@pytest.mark.parametrize(
    ("events", "reason"),
    [
        ([("agent.session.turn.cancelled", "cancelled"), ("agent.session.idle", None)], "cancelled"),
        ([("agent.session.failed", None)], "failed"),
    ],
)
async def test_cancelled_and_failed_sessions_raise(
    client: AsyncOpenAI, server: FakeServer, events: list[tuple[str, str | None]], reason: str
) -> None:
    sid = await new_session(client)
    frames = [_ev("agent.session.turn.created", session_id=sid, turn_id="turn_1", turn=_turn("queued"))]
    for kind, status in events:
        if kind.startswith("agent.session.turn."):
            frames.append(_ev(kind, session_id=sid, turn_id="turn_1", turn=_turn(status or "")))
        else:
            frames.append(_ev(kind, session=_session(kind.rsplit(".", 1)[1])))
    _script_turn(server, sid, *frames)
    with trio.fail_after(TIMEOUT), pytest.raises(AgentTurnResultError) as caught:
        await client.beta.agents.sessions.stream(sid, input="x").get_final_result()
    assert caught.value.reason == reason


async def test_a_stream_that_ends_before_the_turn_does_raises(
    client: AsyncOpenAI, server: FakeServer
) -> None:
    sid = await new_session(client)
    _script_turn(
        server, sid, _ev("agent.session.turn.created", session_id=sid, turn_id="turn_1", turn=_turn("queued"))
    )
    with trio.fail_after(TIMEOUT), pytest.raises(RuntimeError, match="ended before the turn"):
        await client.beta.agents.sessions.stream(sid, input="x").until_done()
    assert client.statistics().in_flight == 0


class Answer(msgspec.Struct):
    answer: int


async def test_output_type_parses_the_answer(client: AsyncOpenAI, server: FakeServer) -> None:
    sid = await new_session(client)
    message = {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "phase": "final_answer",
        "turn_id": "turn_1",
        "content": [{"type": "output_text", "text": '{"answer": 42}', "annotations": []}],
    }
    commentary = {
        **message,
        "id": "msg_0",
        "phase": "commentary",
        "content": [{"type": "output_text", "text": "thinking", "annotations": []}],
    }
    events = (
        _ev("agent.session.turn.created", session_id=sid, turn_id="turn_1", turn=_turn("queued")),
        _ev(
            "agent.session.turn.item.done", session_id=sid, turn_id="turn_1", output_index=0, item=commentary
        ),
        _ev("agent.session.turn.item.done", session_id=sid, turn_id="turn_1", output_index=1, item=message),
        _ev("agent.session.turn.completed", session_id=sid, turn_id="turn_1", turn=_turn("completed")),
        _ev("agent.session.idle", session=_session("idle")),
    )
    _script_turn(server, sid, *events)
    with trio.fail_after(TIMEOUT):
        result = await client.beta.agents.sessions.stream(
            sid, input="x", output_type=Answer
        ).get_final_result()
    assert result.output_parsed == Answer(answer=42) and result.output_text == '{"answer": 42}'
    assert len(result.messages) == 2
    with pytest.raises(AgentOutputParseError) as caught:
        result.parse(list[Answer])
    assert caught.value.result is result
    # the fake agent's plain text does not parse
    with trio.fail_after(TIMEOUT), pytest.raises(AgentOutputParseError):
        await client.beta.agents.sessions.stream(sid, input="x", output_type=Answer).get_final_result()


async def test_bad_arguments_raise_before_any_request(client: AsyncOpenAI, server: FakeServer) -> None:
    sessions = client.beta.agents.sessions
    before = len(server.requests)
    with pytest.raises(ValueError, match="session_id"):
        sessions.stream("", input="x")
    with pytest.raises(ValueError, match="empty"):
        sessions.stream("sess_1", input="")
    with pytest.raises(ValueError, match="empty"):
        sessions.stream("sess_1", input=[])
    with pytest.raises(TypeError):
        sessions.stream("sess_1", input="x", tool_handlers={"a": 3})  # type: ignore[dict-item]  # pyright: ignore[reportArgumentType]
    with pytest.raises(TypeError):
        sessions.stream("sess_1", input="x", output_type=object)
    with pytest.raises(TypeError):
        sessions.stream("sess_1", input="x", bogus=1)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    assert len(server.requests) == before


async def test_a_busy_session_is_refused_before_subscribing(client: AsyncOpenAI, server: FakeServer) -> None:
    sid = await new_session(client)
    with trio.fail_after(TIMEOUT):
        await client.beta.agents.sessions.update(sid, metadata={"a": "b"})
    server.script("GET", f"/agents/sessions/{sid}", Reply(json=_session("in_progress")))
    with trio.fail_after(TIMEOUT), pytest.raises(ValueError, match="idle session"):
        async with client.beta.agents.sessions.stream(sid, input="x"):
            pass
    assert calls(server)[-1] == f"GET /agents/sessions/{sid}"


async def test_the_idempotency_key_goes_with_the_input(client: AsyncOpenAI, server: FakeServer) -> None:
    sid = await new_session(client)
    with trio.fail_after(TIMEOUT):
        await client.beta.agents.sessions.stream(sid, input="x", idempotency_key="turn-key-1").until_done()
    posts = server.requests_to("POST", f"/agents/sessions/{sid}/events")
    assert [p.headers.get("idempotency-key") for p in posts] == ["turn-key-1"]


async def test_move_on_after_leaves_the_client_healthy(client: AsyncOpenAI, server: FakeServer) -> None:
    """Cancelled while the handler of a tool call runs (the stream is open and the turn waits): the
    event stream's connection is closed, nothing stays in flight and the next turn works."""
    sid = await new_session(client)
    started = trio.Event()

    async def slow(arguments: dict[str, Any]) -> str:
        started.set()
        await trio.sleep_forever()
        raise AssertionError("not reached")

    with trio.move_on_after(TIMEOUT / 2) as scope:
        async with client.beta.agents.sessions.stream(
            sid, input="call slow {}", tool_handlers={"slow": slow}
        ) as turn:
            async with trio.open_nursery() as nursery:

                async def cancel_when_started() -> None:
                    await started.wait()
                    scope.cancel()

                nursery.start_soon(cancel_when_started)
                await turn.until_done()
    assert scope.cancelled_caught and started.is_set()
    with trio.fail_after(TIMEOUT):
        await server.wait_for_stats(lambda s: s.client_disconnects >= 1)  # the server saw it go
        assert client.statistics().in_flight == 0
        # the fake agent still waits for that call's result; a new session gets a new turn
        sid2 = await new_session(client)
        result = await client.beta.agents.sessions.stream(sid2, input="again").get_final_result()
    assert result.output_text == "You said: again"


async def test_move_on_after_while_waiting_for_events(client: AsyncOpenAI, server: FakeServer) -> None:
    sid = await new_session(client)
    server.script(
        "GET",
        f"/agents/sessions/{sid}/events",
        Reply.sse(
            [
                _ev("agent.session.turn.created", session_id=sid, turn_id="turn_1", turn=_turn("queued")),
                _ev("agent.session.idle", session=_session("idle")),  # an hour later: never read
            ],
            done=False,
            chunk_delay=3600,
        ),
    )
    with trio.move_on_after(TIMEOUT) as scope:
        async with client.beta.agents.sessions.stream(sid, input="x") as turn:
            async for event in turn:
                assert event.type == "agent.session.turn.created"
                scope.cancel()  # lands in the next read, which waits an hour for its event
    assert scope.cancelled_caught
    with trio.fail_after(TIMEOUT):
        assert client.statistics().in_flight == 0
        result = await client.beta.agents.sessions.stream(sid, input="y").get_final_result()
    assert result.output_text == "You said: y"


async def test_artifacts_for_result(client: AsyncOpenAI, server: FakeServer, tmp_path: Path) -> None:
    sid = await new_session(client)
    with trio.fail_after(TIMEOUT):
        first = await client.beta.agents.sessions.stream(sid, input="one").get_final_result()
        second = await client.beta.agents.sessions.stream(sid, input="two").get_final_result()
        artifacts = client.beta.agents.sessions.artifacts.for_result(second)
        content = await artifacts.content("/workspace/answer.txt")
        found = await artifacts.download("/workspace/answer.txt", to=tmp_path / "answer.txt")
        earlier = await client.beta.agents.sessions.artifacts.for_result(first).content(
            "/workspace/answer.txt"
        )
        with pytest.raises(ValueError, match="No artifact"):
            await artifacts.content("/workspace/missing.txt")
    assert content.content == b"You said: two" and earlier.content == b"You said: one"
    assert found.turn_id == second.turn_id and (tmp_path / "answer.txt").read_bytes() == b"You said: two"
    with pytest.raises(TypeError):
        client.beta.agents.sessions.artifacts.for_result("turn_1")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def test_the_signatures_match_the_official_parameter_names() -> None:
    facts = json.loads(
        (Path(__file__).resolve().parents[2] / "tools" / "codegen" / "official_surface.json").read_text()
    )
    official = facts["methods"]
    async_client = AsyncOpenAI(api_key="k")
    sync_client = OpenAI(api_key="k")
    try:
        for sessions in (async_client.beta.agents.sessions, sync_client.beta.agents.sessions):
            names = list(inspect.signature(sessions.stream).parameters)
            assert names == [*official["beta.agents.sessions.stream"]["params"], "extra_headers", "timeout"]
            for_result = list(inspect.signature(sessions.artifacts.for_result).parameters)
            assert for_result == official["beta.agents.sessions.artifacts.for_result"]["params"]
    finally:
        sync_client.close()


# --- blocking -------------------------------------------------------------------------------------------


async def test_blocking_turn_with_a_tool_handler_that_uses_the_client(server: FakeServer) -> None:
    def program() -> tuple[list[str], AgentTurnResult[Any], bytes]:
        with OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0) as client:
            sid = client.beta.agents.sessions.create(environment={"type": "none"}).id

            def lookup(arguments: dict[str, Any]) -> str:
                return client.beta.agents.sessions.retrieve(
                    arguments["id"]
                ).status  # the blocking client, inside

            with client.beta.agents.sessions.stream(
                sid, input=f"call lookup {json.dumps({'id': sid})}", tool_handlers={"lookup": lookup}
            ) as turn:
                assert isinstance(turn, AgentSessionStream)
                kinds = [e.type for e in turn]
                result = turn.get_final_result()
            body = (
                client.beta.agents.sessions.artifacts.for_result(result)
                .content("/workspace/answer.txt")
                .content
            )
        return kinds, result, body

    kinds, result, body = await blocking(program)
    assert kinds[-1] == "agent.session.idle"
    assert result.output_text == "lookup returned requires_action"
    assert body == b"lookup returned requires_action"


def test_blocking_with_a_fake_server_thread() -> None:
    with FakeServerThread() as server, OpenAI(base_url=server.base_url, api_key=KEY) as client:
        sid = client.beta.agents.sessions.create(environment={"type": "none"}).id
        with client.beta.agents.sessions.stream(sid, input="hi") as turn:
            result = turn.get_final_result()
        with pytest.raises(AgentTurnResultError):
            with client.beta.agents.sessions.stream(sid, input="fail") as turn:
                turn.get_final_result()
        assert client.statistics().in_flight == 0
    assert result.output_text == "You said: hi"


async def test_leaving_early_closes_the_stream(client: AsyncOpenAI, server: FakeServer) -> None:
    sid = await new_session(client)
    with trio.fail_after(TIMEOUT):
        async with client.beta.agents.sessions.stream(sid, input="hello") as turn:
            async for event in turn:
                assert event.type == "agent.session.turn.created"
                break
        with pytest.raises(RuntimeError, match="closed"):
            await turn.get_final_result()
        await server.wait_for_stats(lambda s: s.client_disconnects >= 1)
    assert client.statistics().in_flight == 0
