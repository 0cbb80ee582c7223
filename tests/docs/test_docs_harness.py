"""The harness that runs the documentation's examples, and the README's links."""

from __future__ import annotations

import os
import re
import time
import unittest
from pathlib import Path

import pytest
from sybil import Sybil

from tests.docs import sybil_setup

ROOT = sybil_setup.ROOT


def _run_document(tmp_path: Path, text: str) -> list[BaseException | None]:
    page = tmp_path / "page.md"
    page.write_text(text)
    harness = Sybil(
        parsers=sybil_setup.sybil.parsers,
        path=str(tmp_path),
        patterns=["*.md"],
        setup=sybil_setup.sybil.setup,
        teardown=sybil_setup.sybil.teardown,
    )
    document = harness.parse(page)
    outcomes: list[BaseException | None] = []
    harness.setup(document.namespace)
    try:
        for example in document:
            try:
                example.evaluate()
                outcomes.append(None)
            except BaseException as exc:
                outcomes.append(exc)
    finally:
        harness.teardown(document.namespace)
    return outcomes


def test_each_document_gets_a_fake_server_and_the_environment_is_restored(tmp_path: Path) -> None:
    before = {name: os.environ.get(name) for name in sybil_setup.ENV}
    text = """
```python
import os
from trio_openai import OpenAI

assert os.environ["OPENAI_BASE_URL"].startswith("http://127.0.0.1:")
with OpenAI() as client:
    seen = client.models.retrieve("gpt-4o-mini").id
```

<!-- skip: next "never runs" -->
```python
raise AssertionError("a skipped block ran")
```

```python
assert seen == "gpt-4o-mini"   # blocks of one document share a namespace
```
"""
    outcomes = _run_document(tmp_path, text)
    # four regions: the first block, the skip line, the skipped block, the last block
    skipped = [o for o in outcomes if isinstance(o, unittest.SkipTest)]
    assert len(outcomes) == 4 and [o for o in outcomes if o is not None] == skipped
    assert len(skipped) == 1 and "never runs" in str(skipped[0])
    assert {name: os.environ.get(name) for name in sybil_setup.ENV} == before


def test_a_failing_block_fails(tmp_path: Path) -> None:
    outcomes = _run_document(tmp_path, "```python\nassert 1 + 1 == 3\n```\n")
    assert isinstance(outcomes[0], AssertionError)


def test_a_hanging_block_fails_after_the_deadline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sybil_setup, "BLOCK_TIMEOUT", 0.2)
    started = time.monotonic()
    outcomes = _run_document(tmp_path, "```python\nimport time\ntime.sleep(1.5)\n```\n")
    assert isinstance(outcomes[0], TimeoutError)
    assert time.monotonic() - started < 1.4


def test_readme_relative_links_resolve() -> None:
    readme = (ROOT / "README.md").read_text()
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert local, "the README links to the docs"
    missing = [t for t in local if not (ROOT / t).exists()]
    assert missing == []
