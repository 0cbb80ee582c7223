"""trio_openai's blocking facade `OpenAI` (default settings)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import trio_openai

from ._contract import API_KEY
from ._sdk_sync import SdkSyncAdapter


@contextlib.contextmanager
def open_adapter(base_url: str) -> Iterator[SdkSyncAdapter]:
    with trio_openai.OpenAI(base_url=base_url, api_key=API_KEY) as client:
        yield SdkSyncAdapter(client)
