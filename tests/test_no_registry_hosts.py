"""The project names no package registry's host: dependencies are linked by their docs or repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Spelled in pieces so that this file does not name them either.
HOSTS = tuple(
    ".".join(parts)
    for parts in (
        ("pypi", "org"),
        ("files", "pythonhosted", "org"),
        ("registry", "npmjs", "org"),
        ("npmjs", "com"),
    )
)


def test_no_tracked_file_names_a_registry_host() -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(
        b"\0"
    )
    found: list[str] = []
    for name in filter(None, files):
        path = ROOT / name.decode()
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", "replace").lower()
        found += [f"{name.decode()}: {host}" for host in HOSTS if host in text]
    assert found == []
