"""The fake server's Realtime endpoint, driven by trio_openai's own Realtime client (async and blocking)."""

from __future__ import annotations

import msgspec
import pytest
import trio

from trio_openai import AsyncOpenAI, OpenAI, omit
from trio_openai._core._decoding import decoder_for
from trio_openai.realtime import WebSocketConnectionRejectedError
from trio_openai.testing import FakeServerThread, open_fake_server
from trio_openai.types.realtime_conversation_item_message_assistant import (
    RealtimeConversationItemMessageAssistant,
)
from trio_openai.types.realtime_conversation_item_message_user import RealtimeConversationItemMessageUser
from trio_openai.types.realtime_server_event import RealtimeServerEvent

USER_SAYS = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Say hello"}]}


async def test_a_text_session_round_trip() -> None:
    with trio.fail_after(20):
        async with open_fake_server() as server:
            async with AsyncOpenAI(api_key="sk-test", base_url=server.base_url) as client:
                async with client.realtime.connect(model="gpt-realtime") as conn:
                    created = await conn.recv()
                    assert created.type == "session.created"
                    await conn.session.update(session={"type": "realtime", "instructions": "Be brief."})
                    updated = await conn.recv()
                    assert updated.type == "session.updated"
                    assert updated.session.instructions == "Be brief."  # type: ignore[union-attr]
                    await conn.conversation.item.create(item=USER_SAYS)  # type: ignore[arg-type]
                    added = await conn.recv()
                    assert added.type == "conversation.item.added"
                    assert isinstance(added.item, RealtimeConversationItemMessageUser)  # type: ignore[union-attr]
                    await conn.response.create()
                    text: list[str] = []
                    kinds: list[str] = []
                    async for event in conn:
                        kinds.append(event.type)
                        if event.type == "response.output_text.delta":
                            text.append(event.delta)
                        if event.type == "response.done":
                            output = event.response.output  # type: ignore[union-attr]
                            assert output and isinstance(output[0], RealtimeConversationItemMessageAssistant)
                            break
            request = server.requests_to("GET", "/realtime")[0]
            assert request.query["model"] == ["gpt-realtime"]
            assert request.headers["authorization"] == "Bearer sk-test"
    assert "".join(text) == "Echo: Say hello"
    assert kinds[0] == "conversation.item.done"
    assert kinds[1:4] == ["response.created", "response.output_item.added", "response.content_part.added"]
    assert kinds[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.done",
    ]


async def test_a_bad_event_is_an_error_event_and_the_session_goes_on() -> None:
    with trio.fail_after(20):
        async with open_fake_server() as server:
            async with AsyncOpenAI(api_key="sk-test", base_url=server.base_url) as client:
                async with client.realtime.connect(model="gpt-realtime") as conn:
                    await conn.recv()
                    await conn.send({"type": "no.such.event"})  # type: ignore[arg-type]
                    error = await conn.recv()
                    assert error.type == "error"
                    assert "no.such.event" in error.error.message  # type: ignore[union-attr]
                    await conn.input_audio_buffer.clear()
                    assert (await conn.recv()).type == "input_audio_buffer.cleared"


@pytest.mark.parametrize("refused", ["no key", "no model"])
async def test_a_handshake_without_a_key_or_a_model_is_refused(refused: str) -> None:
    with trio.fail_after(20):
        async with open_fake_server() as server:
            async with AsyncOpenAI(api_key="sk-test", base_url=server.base_url) as client:
                if refused == "no key":
                    connect = client.realtime.connect(
                        model="gpt-realtime", extra_headers={"Authorization": omit}
                    )
                else:
                    connect = client.realtime.connect(model="")
                with pytest.raises(WebSocketConnectionRejectedError) as caught:
                    async with connect:
                        pass
                assert caught.value.status_code == (401 if refused == "no key" else 400)
                assert (await client.models.list()).data  # the client is fine


def test_the_blocking_client_talks_to_the_fake_server_thread() -> None:
    text: list[str] = []
    with FakeServerThread() as server, OpenAI(api_key="sk-test", base_url=server.base_url) as client:
        with client.realtime.connect(model="gpt-realtime") as conn:
            assert conn.recv().type == "session.created"
            conn.conversation.item.create(item=USER_SAYS)  # type: ignore[arg-type]
            conn.response.create()
            for event in conn:
                if event.type == "response.output_text.delta":
                    text.append(event.delta)
                elif event.type == "response.done":
                    break
    assert "".join(text) == "Echo: Say hello"


def test_messages_that_share_a_tag_decode_by_their_other_fields() -> None:
    decode = decoder_for(RealtimeServerEvent).decode
    for role, cls in (
        ("user", RealtimeConversationItemMessageUser),
        ("assistant", RealtimeConversationItemMessageAssistant),
    ):
        item = {"type": "message", "role": role, "content": []}
        event = decode(
            msgspec.json.encode({"type": "conversation.item.added", "event_id": "e", "item": item})
        )
        assert isinstance(event.item, cls)  # type: ignore[union-attr]
    with pytest.raises(msgspec.ValidationError):  # not a message of any kind: the tagged error stands
        decode(
            b'{"type": "conversation.item.added", "event_id": "e", "item": {"type": "message", "role": 7}}'
        )
