"""Pages other people own that may not exist yet (``architecture.md``): listed in the root toctree
only when present, so the build never warns about a missing document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

OPTIONAL = ["architecture"]
MARKER = "<!-- optional-pages -->"


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    if docname != "index":  # the root page holds the toctrees
        return
    srcdir = Path(app.srcdir)
    present = [name for name in OPTIONAL if (srcdir / f"{name}.md").exists()]
    source[0] = source[0].replace(MARKER, "\n".join(present))


def setup(app: Any) -> dict[str, Any]:
    app.connect("source-read", _source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
