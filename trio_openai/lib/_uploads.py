"""Upload helpers composed of generated operations (wired on the resources by the generator, see
``tools/codegen/_handwritten.py``):

* ``client.uploads.upload_file_chunked(file=..., mime_type=..., purpose=...)``: create an Upload, add the
  file in parts (``part_size`` bytes each, read one part at a time), complete it.
* ``client.vector_stores.files.upload(vector_store_id=..., file=...)`` / ``upload_and_poll``: upload to
  ``/files`` (purpose ``assistants``) then attach the file to the vector store (and poll it).
* ``client.vector_stores.file_batches.upload_and_poll(vector_store_id, files=[...])``: upload every file
  (at most ``max_concurrency`` at once), then create a file batch of them (plus ``file_ids``) and poll it.
* ``client.beta.threads.create_and_run_poll(...)``: ``threads.create_and_run`` then ``runs.poll``.

Bad arguments raise before any request.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, cast

import trio

from .._core._deprecation import undeprecated
from .._core._options import Omit, omit
from ._fanout import gather
from ._polling import _check_max_wait, _split, runs_poll, vector_store_file_create_and_poll

if TYPE_CHECKING:
    from .._core._request import FileTypes
    from .._core._resource import AsyncAPIResource
    from ..resources.beta.threads import AsyncThreads
    from ..resources.uploads import AsyncUploads
    from ..resources.vector_stores.file_batches import AsyncFileBatches
    from ..resources.vector_stores.files import AsyncFiles as AsyncVectorStoreFiles
    from ..types import RunObject, Upload, VectorStoreFileBatchObject, VectorStoreFileObject

__all__ = [
    "DEFAULT_PART_SIZE",
    "file_batch_upload_and_poll",
    "threads_create_and_run_poll",
    "upload_file_chunked",
    "vector_store_file_upload",
    "vector_store_file_upload_and_poll",
]

#: Bytes per part of ``upload_file_chunked`` (the Uploads API takes parts of up to 64 MB).
DEFAULT_PART_SIZE = 64 * 1024 * 1024

builtins_bytes = bytes  # `bytes` is a parameter name of upload_file_chunked (the official one)

UploadPurpose = Literal["assistants", "batch", "fine-tune", "vision"]


async def upload_file_chunked(
    self: AsyncUploads,
    *,
    file: os.PathLike[str] | bytes,
    mime_type: str,
    purpose: UploadPurpose,
    filename: str | None = None,
    bytes: int | None = None,  # the official name
    part_size: int | None = None,
    md5: str | Omit = omit,
) -> Upload:
    """Upload ``file`` (a path, read one part at a time, or the bytes themselves) through the Uploads API
    in parts of ``part_size`` bytes: ``uploads.create``, one ``uploads.parts.create`` per part (in order),
    ``uploads.complete`` with the part ids (and ``md5`` when given). Returns the completed Upload.

    ``filename`` defaults to the path's name (required for bytes); ``bytes`` to the file's size."""
    size = DEFAULT_PART_SIZE if part_size is None else part_size
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError("part_size must be a positive number of bytes")
    if isinstance(file, builtins_bytes):
        if filename is None:
            raise TypeError("filename is required when file is bytes")
        total = len(file) if bytes is None else bytes
        data: builtins_bytes | None = file
        path: trio.Path | None = None
    else:
        path = trio.Path(os.fspath(file))
        data = None
        if filename is None:
            filename = path.name
        total = (await path.stat()).st_size if bytes is None else bytes
    upload = await self.create(filename=filename, purpose=purpose, bytes=total, mime_type=mime_type)
    part_ids: list[str] = []
    if data is not None:
        for start in range(0, len(data), size):
            part = await self.parts.create(upload.id, data=data[start : start + size])
            part_ids.append(part.id)
    else:
        assert path is not None
        async with await path.open("rb") as f:
            while chunk := await f.read(size):
                part = await self.parts.create(upload.id, data=chunk)
                part_ids.append(part.id)
    return await self.complete(upload.id, part_ids=part_ids, md5=md5)


def _files(resource: AsyncAPIResource) -> Any:
    return cast(Any, resource._client).files  # the client's files resource, beside this one


async def vector_store_file_upload(
    self: AsyncVectorStoreFiles,
    *,
    vector_store_id: str,
    file: FileTypes,
    chunking_strategy: Any | Omit = omit,
) -> VectorStoreFileObject:
    """Upload ``file`` (``files.create``, purpose ``assistants``) and attach it to the vector store
    (``vector_stores.files.create``); the file is not polled (see ``upload_and_poll``)."""
    _check_id("vector_store_id", vector_store_id)
    uploaded = await _files(self).create(file=file, purpose="assistants")
    created: VectorStoreFileObject = await self.create(
        vector_store_id, file_id=uploaded.id, chunking_strategy=chunking_strategy
    )
    return created


async def vector_store_file_upload_and_poll(
    self: AsyncVectorStoreFiles,
    *,
    vector_store_id: str,
    file: FileTypes,
    attributes: Mapping[str, str | float | bool] | Omit | None = omit,
    poll_interval_ms: int | None = None,
    max_wait_seconds: float | None = None,
    chunking_strategy: Any | Omit = omit,
) -> VectorStoreFileObject:
    """Upload ``file`` and ``create_and_poll`` it in the vector store: the file as it is once processed."""
    _check_id("vector_store_id", vector_store_id)
    _check_max_wait(max_wait_seconds)
    uploaded = await _files(self).create(file=file, purpose="assistants")
    return await vector_store_file_create_and_poll(
        self,
        uploaded.id,
        vector_store_id=vector_store_id,
        poll_interval_ms=poll_interval_ms,
        max_wait_seconds=max_wait_seconds,
        attributes=attributes,
        chunking_strategy=chunking_strategy,
    )


async def file_batch_upload_and_poll(
    self: AsyncFileBatches,
    vector_store_id: str,
    *,
    files: Iterable[FileTypes],
    max_concurrency: int = 5,
    file_ids: Iterable[str] = (),
    poll_interval_ms: int | None = None,
    chunking_strategy: Any | Omit = omit,
) -> VectorStoreFileBatchObject:
    """Upload every file of ``files`` (purpose ``assistants``, at most ``max_concurrency`` at a time; the
    first failure stops the rest and is raised), then create a file batch of ``file_ids`` plus the
    uploaded files and poll it until no file is in progress."""
    from ._polling import file_batch_create_and_poll

    _check_id("vector_store_id", vector_store_id)
    if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) or max_concurrency < 1:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError("max_concurrency must be a positive integer")
    if isinstance(file_ids, str):
        raise TypeError("file_ids must be a list of ids, not one string")
    given = list(files)
    known = list(file_ids)
    if not given and not known:
        raise ValueError("No `files` or `file_ids` were given")
    create = _files(self).create

    async def upload(f: FileTypes) -> str:
        return (await create(file=f, purpose="assistants")).id

    uploaded = await gather(upload, given, limit=max_concurrency)
    return await file_batch_create_and_poll(
        self,
        vector_store_id,
        poll_interval_ms=poll_interval_ms,
        file_ids=[*known, *uploaded],
        chunking_strategy=chunking_strategy,
    )


async def threads_create_and_run_poll(
    self: AsyncThreads, *, poll_interval_ms: int | None = None, **params: Any
) -> RunObject:
    """``threads.create_and_run`` (its parameters) and poll the run until it needs nothing more of the
    server (``completed``, ``requires_action``, ``failed``...)."""
    fields, options = _split(params)
    # the caller was warned once (this helper is deprecated with the Assistants API): no second warning
    create_and_run: Callable[..., Awaitable[Any]] = undeprecated(type(self).create_and_run)
    run = cast("RunObject", await create_and_run(self, **fields, **options))  # not streaming: one Run
    return await runs_poll(
        self.runs, run.id, thread_id=run.thread_id, poll_interval_ms=poll_interval_ms, **options
    )


def _check_id(name: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
