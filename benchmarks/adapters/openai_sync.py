"""The official SDK's blocking `openai.OpenAI` (default settings)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import openai

from ._contract import API_KEY
from ._sdk_sync import SdkSyncAdapter


@contextlib.contextmanager
def open_adapter(base_url: str) -> Iterator[SdkSyncAdapter]:
    with openai.OpenAI(base_url=base_url, api_key=API_KEY) as client:
        yield SdkSyncAdapter(client)
