"""A Realtime session, offline: trio_openai talks to a tiny local echo "model" over a WebSocket.

Run it with ``.venv/bin/python examples/realtime_echo.py``. The server (trio-websocket on 127.0.0.1, a
dynamic port) answers ``response.create`` by echoing the last user message back as text deltas; the
client is the real ``client.realtime.connect(...)``, typed events and all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import msgspec
import trio
from trio_websocket import ConnectionClosed, WebSocketRequest, serve_websocket

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trio_openai import AsyncOpenAI
from trio_openai.types.realtime_server_event_response_text_delta import RealtimeServerEventResponseTextDelta


def _event(type_: str, **fields: object) -> str:
    return msgspec.json.encode({"type": type_, "event_id": f"evt_{type_}", **fields}).decode()


async def echo_model(request: WebSocketRequest) -> None:
    """A pretend Realtime model: greets, stores user messages, echoes the last one word by word."""
    ws = await request.accept()
    await ws.send_message(_event("session.created", session={"type": "realtime", "id": "sess_echo"}))
    last = ""
    try:
        while True:
            event = msgspec.json.decode(await ws.get_message())
            if event["type"] == "conversation.item.create":
                last = " ".join(part.get("text", "") for part in event["item"]["content"])
            elif event["type"] == "response.create":
                ids = {"response_id": "resp_1", "item_id": "item_1", "output_index": 0, "content_index": 0}
                for word in last.split(" "):
                    await ws.send_message(_event("response.output_text.delta", delta=word + " ", **ids))
                await ws.send_message(
                    _event("response.done", response={"id": "resp_1", "status": "completed"})
                )
    except ConnectionClosed:
        pass


async def main() -> None:
    async with trio.open_nursery() as nursery:
        server = await nursery.start(serve_websocket, echo_model, "127.0.0.1", 0, None)
        base_url = f"http://127.0.0.1:{server.port}/v1"  # ws://127.0.0.1:<port>/v1/realtime
        print(f"echo model listening on {base_url}")

        client = AsyncOpenAI(api_key="sk-demo", base_url=base_url)
        with trio.fail_after(10):
            async with client.realtime.connect(model="gpt-realtime") as conn:
                greeting = await conn.recv()
                print(f"<- {greeting.type}")
                text = "Hello from trio over a WebSocket"
                await conn.conversation.item.create(
                    item={
                        "type": "message",
                        "role": "user",
                        "content": [{"type": "input_text", "text": text}],
                    }
                )
                await conn.response.create()
                print("-> conversation.item.create, response.create")
                print("<- ", end="")
                async for event in conn:
                    if isinstance(event, RealtimeServerEventResponseTextDelta):
                        print(event.delta, end="", flush=True)
                    elif event.type == "response.done":
                        print("\n<- response.done")
                        break
        nursery.cancel_scope.cancel()


if __name__ == "__main__":
    trio.run(main)
