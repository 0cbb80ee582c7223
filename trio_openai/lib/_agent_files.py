"""Agent environment file helpers (beta), composed of generated operations and wired on
``client.beta.agents.environments.files`` by the generator:

* ``upload(environment_id, file=..., path="/workspace/...")``: upload the file (``files.create``, purpose
  ``user_data``) and stage it at ``path`` in an existing environment (``environments.files.create``).
* ``prepare({"/workspace/dest": local_path, ...})``: upload local files for a new environment; the
  result's ``files`` are the entries to pass when creating it.
* ``prepare_directory(root, destination="/workspace/dir", include=["**/*.py"])``: ``prepare`` the files
  under ``root`` that the glob patterns select, each at ``destination`` plus its path below ``root``.

Destinations are checked before any request: absolute POSIX file paths under ``/workspace``, without
empty, ``.`` or ``..`` components.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, cast

import trio

if TYPE_CHECKING:
    from .._core._request import FileTypes
    from .._core._resource import AsyncAPIResource

__all__ = [
    "PreparedAgentFiles",
    "StagedAgentFile",
    "environment_files_prepare",
    "environment_files_prepare_directory",
    "environment_files_upload",
]

_ROOT = "workspace"


@dataclass(frozen=True)
class StagedAgentFile:
    """What ``environments.files.upload`` did: the uploaded file's id and the staged environment file."""

    uploaded_file_id: str
    file: Any


@dataclass(frozen=True)
class PreparedAgentFiles:
    """Files uploaded for a new environment: ``files`` (``{"type": "file_id", "file_id", "path"}``
    entries for the environment's creation) and the ids of the uploaded files."""

    files: list[dict[str, str]] = field(default_factory=list[dict[str, str]])
    uploaded_file_ids: list[str] = field(default_factory=list[str])


def check_destination(path: str, *, directory: bool = False) -> str:
    """``path`` if it is an absolute POSIX path of a file under ``/workspace`` (for a ``directory``,
    ``/workspace`` itself too); else ``ValueError``."""
    outside = "Agent file destinations must be absolute POSIX file paths under /workspace"
    if not isinstance(path, str) or not path.startswith("/"):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(outside)
    parts = path[1:].split("/")
    rest = parts[1:]
    if parts[0] != _ROOT or (not rest and not directory):
        raise ValueError(outside)
    if any(p in ("", ".", "..") for p in rest):
        raise ValueError("Agent file destinations cannot contain empty, dot or parent components")
    return path


async def _upload(resource: AsyncAPIResource, file: FileTypes) -> str:
    files: Any = cast(Any, resource._client).files  # the client's files resource, beside this one
    uploaded = await files.create(file=file, purpose="user_data")
    file_id: str = uploaded.id
    return file_id


async def environment_files_upload(
    self: AsyncAPIResource, environment_id: str, *, file: FileTypes, path: str
) -> StagedAgentFile:
    """Upload ``file`` and stage it at ``path`` (under ``/workspace``) in the environment."""
    check_destination(path)
    if not isinstance(environment_id, str) or not environment_id:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(f"Expected a non-empty value for `environment_id` but received {environment_id!r}")
    file_id = await _upload(self, file)
    create: Any = getattr(self, "create")  # noqa: B009  # the generated environments.files.create
    staged = await create(environment_id, path=path, type="file_id", file_id=file_id)
    return StagedAgentFile(uploaded_file_id=file_id, file=staged)


async def environment_files_prepare(
    self: AsyncAPIResource, files: Mapping[str, str | os.PathLike[str]]
) -> PreparedAgentFiles:
    """Upload each local file (value) for its destination (key) in a new environment, in order."""
    checked = [(check_destination(dest), Path(os.fspath(local))) for dest, local in files.items()]
    return await _prepare(self, checked)


async def _prepare(self: AsyncAPIResource, checked: Iterable[tuple[str, Path]]) -> PreparedAgentFiles:
    out = PreparedAgentFiles()
    for dest, local in checked:
        data = await trio.Path(local).read_bytes()
        file_id = await _upload(self, (local.name, data))
        out.files.append({"type": "file_id", "file_id": file_id, "path": dest})
        out.uploaded_file_ids.append(file_id)
    return out


def _select(root: Path, include: Sequence[str]) -> list[Path]:
    chosen: dict[Path, None] = {}
    for pattern in include:
        for p in sorted(root.glob(pattern)):
            if p.is_file():
                chosen.setdefault(p, None)
    return list(chosen)


async def environment_files_prepare_directory(
    self: AsyncAPIResource, root: str | os.PathLike[str], *, destination: str, include: Sequence[str]
) -> PreparedAgentFiles:
    """``prepare`` the files under ``root`` selected by the ``include`` glob patterns (required: a
    directory is never taken whole by accident), each at ``destination`` + its path below ``root``."""
    if isinstance(include, str):
        raise TypeError("include must be a list of glob patterns, not one string")
    if not include:
        raise ValueError("Select directory files with explicit include patterns")
    base = check_destination(destination.rstrip("/"), directory=True)
    root_path = Path(os.fspath(root))
    selected = await trio.to_thread.run_sync(_select, root_path, list(include))
    if not selected:
        raise ValueError("The include patterns did not select any files")
    checked = [
        (check_destination(str(PurePosixPath(base, p.relative_to(root_path).as_posix()))), p)
        for p in selected
    ]
    return await _prepare(self, checked)
