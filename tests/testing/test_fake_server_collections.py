"""The fake server's generic collections for endpoints from the spec supplement (beta.agents, vaults,
webhook endpoints), driven through the generated client methods."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import trio

from trio_openai import AsyncOpenAI, NotFoundError
from trio_openai.testing import Reply
from trio_openai.testing._server import open_fake_server


async def test_agents_crud_and_pagination_through_the_client() -> None:
    with trio.fail_after(10):
        async with open_fake_server() as server, AsyncOpenAI(api_key="k", base_url=server.base_url) as client:
            made = [await client.beta.agents.create(model="gpt-5", name=f"a{i}") for i in range(3)]
            assert [a.object for a in made] == ["agent"] * 3
            assert made[0].id != made[1].id and made[0].name == "a0"
            got = await client.beta.agents.retrieve(made[1].id)
            assert got.id == made[1].id and got.model == "gpt-5"
            updated = await client.beta.agents.update(made[1].id, name="renamed")
            assert updated.name == "renamed"
            ids = [a.id async for a in client.beta.agents.list(limit=2)]  # two pages
            assert ids == [a.id for a in made]
            deleted = await client.beta.agents.delete(made[0].id)
            assert deleted.deleted is True and deleted.id == made[0].id
            with pytest.raises(NotFoundError):
                await client.beta.agents.retrieve(made[0].id)
            assert server.errors == []


async def test_sessions_vaults_and_webhook_endpoints_answer_in_shape() -> None:
    with trio.fail_after(10):
        async with open_fake_server() as server, AsyncOpenAI(api_key="k", base_url=server.base_url) as client:
            session = await client.beta.agents.sessions.create(
                agent_id="agent_x", environment={"type": "none"}
            )
            assert session.object == "agent.session" and session.id.startswith("sess_")
            assert (await client.beta.agents.sessions.retrieve(session.id)).id == session.id
            vault = await client.beta.agents.vaults.create()
            assert vault.object == "vault"
            assert [v.id async for v in client.beta.agents.vaults.list()] == [vault.id]
            endpoint = await client.webhooks.create(
                name="hook", url="https://example.test/hook", event_types=["batch.completed"]
            )
            assert endpoint.object == "webhook_endpoint" and endpoint.signing_secret
            assert [e.id async for e in client.webhooks.list()] == [endpoint.id]
            assert server.errors == []


async def test_uploaded_files_are_listed_ahead_of_the_catalogue() -> None:
    with trio.fail_after(20):
        async with open_fake_server(files=5) as server:
            async with AsyncOpenAI(api_key="sk-test", base_url=server.base_url) as client:
                ids = [item.id async for item in client.files.list(limit=3)]
                assert len(ids) == 5
                uploaded = await client.files.create(file=("a.jsonl", b"{}\n"), purpose="batch")
                listed = [item.id async for item in client.files.list(limit=3)]
                assert listed == [uploaded.id, *ids]
                oldest_first = [item.id async for item in client.files.list(limit=2, order="asc")]
                assert oldest_first == [*reversed(ids), uploaded.id]
                batch_only = [item.purpose async for item in client.files.list(purpose="batch")]
                assert batch_only and set(batch_only) == {"batch"}


async def test_session_events_are_live_and_end_when_the_client_leaves() -> None:
    """``GET /agents/sessions/{id}/events`` waits for input posted afterwards (a live reply); a client
    that goes away while it waits is noticed, and the server's task for it ends."""
    with pytest.raises(ValueError, match="live="):
        Reply(json={}, live=lambda: _never())
    async with open_fake_server() as server:
        async with AsyncOpenAI(api_key="sk", base_url=server.base_url, max_retries=0) as client:
            with trio.fail_after(10):
                session = await client.beta.agents.sessions.create(environment={"type": "none"})
                stream = await client.beta.agents.sessions.events.stream(session.id)
                await client.beta.agents.sessions.events.create(
                    session.id,
                    events=[
                        {
                            "type": "agent.session.input.message",
                            "input": [{"role": "user", "content": [{"type": "input_text", "text": "hi"}]}],
                        }
                    ],
                )
                kinds: list[str] = []
                async for event in stream:
                    kinds.append(event.type)
                    if event.type == "agent.session.idle":
                        break
                await stream.aclose()  # the reply is still open: the server must notice
                await server.wait_for_stats(lambda s: s.client_disconnects >= 1)
                listed = [a async for a in client.beta.agents.sessions.artifacts.list(session.id)]
    assert kinds[0] == "agent.session.turn.created" and "agent.session.turn.completed" in kinds
    assert [a.path for a in listed] == ["/workspace/answer.txt"]
    assert server.errors == []


async def _never() -> AsyncIterator[bytes]:
    yield b""


async def test_default_objects_decode_as_their_declared_types() -> None:
    """Every collection's object made from an empty request (the fake's defaults alone) decodes as
    the type the client declares for it: the default agent session has an environment object."""
    from trio_openai.types import Agent, AgentSession, EnvironmentInfo, Vault, WebhookEndpoint

    declared: dict[str, type[Any]] = {
        "/agents/sessions": AgentSession,
        "/agents/environments": EnvironmentInfo,
        "/agents": Agent,
        "/vaults": Vault,
        "/webhook_endpoints": WebhookEndpoint,
    }
    with trio.fail_after(10):
        async with open_fake_server() as server, AsyncOpenAI(api_key="k", base_url=server.base_url) as client:
            made = {path: await client.post(path, cast_to=cls, body={}) for path, cls in declared.items()}
            session = made["/agents/sessions"]
            assert isinstance(session, AgentSession)
            assert session.environment.type == "none" and session.agent.id == "agent_fake"
            again = await client.beta.agents.sessions.retrieve(session.id)
            assert again.environment.type == "none"
            assert all(isinstance(made[p], cls) for p, cls in declared.items())
            assert server.errors == []
