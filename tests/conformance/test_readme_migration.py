"""The README's migration section runs as written, against the built-in fake server."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import trio

from trio_openai.testing import open_fake_server

README = Path(__file__).resolve().parents[2] / "README.md"


async def test_migration_blocks_run() -> None:
    section = README.read_text().split("## Migrating from the official SDK")[1].split("\n## ")[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 4
    with trio.fail_after(90):
        async with open_fake_server() as server:
            env = {
                **os.environ,
                "OPENAI_API_KEY": "sk-doc",
                "OPENAI_BASE_URL": server.base_url,
                "AZURE_OPENAI_ENDPOINT": server.azure_endpoint,  # the Azure paragraph's client
                "AZURE_OPENAI_API_KEY": "azure-doc",
                "OPENAI_API_VERSION": "2024-10-21",
            }
            env.pop("AZURE_OPENAI_AD_TOKEN", None)
            for block in blocks:
                done = await trio.run_process(
                    [sys.executable, "-c", block],
                    env=env,
                    capture_stdout=True,
                    capture_stderr=True,
                    check=False,
                )
                assert done.returncode == 0, done.stderr.decode()
                assert done.stdout.strip()
