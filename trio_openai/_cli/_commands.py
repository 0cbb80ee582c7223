"""``chat``, ``models list``, ``files ...`` and ``api RESOURCE.METHOD``: the client from a shell."""

from __future__ import annotations

import argparse
import inspect
import os
import pathlib
import sys
from typing import Any, cast

import msgspec

from ._errors import EXIT_OK, UsageError

__all__ = ["add_client_commands"]


def add_client_commands(commands: Any) -> None:
    chat = commands.add_parser("chat", help="one chat completion; prints the answer")
    chat.add_argument("prompt")
    chat.add_argument("-m", "--model", default="gpt-4o-mini")
    chat.add_argument("--stream", action="store_true", help="print the answer as it arrives")
    chat.set_defaults(handler=_chat)

    models = commands.add_parser("models", help="models")
    models_sub = models.add_subparsers(dest="models_command", required=True, metavar="{list}")
    models_sub.add_parser("list", help="the ids of the models, one a line").set_defaults(handler=_models_list)

    files = commands.add_parser("files", help="files: list, upload, download, delete")
    files_sub = files.add_subparsers(
        dest="files_command", required=True, metavar="{list,upload,download,delete}"
    )
    listing = files_sub.add_parser("list", help="id, bytes, purpose and filename of each file")
    listing.add_argument("--purpose")
    listing.set_defaults(handler=_files_list)
    upload = files_sub.add_parser("upload", help="upload a file; prints its id")
    upload.add_argument("path")
    upload.add_argument(
        "--purpose", required=True, help="batch, fine-tune, assistants, user_data, vision, evals"
    )
    upload.set_defaults(handler=_files_upload)
    download = files_sub.add_parser("download", help="a file's content, to stdout or -o PATH")
    download.add_argument("file_id")
    download.add_argument("-o", "--output", metavar="PATH")
    download.set_defaults(handler=_files_download)
    delete = files_sub.add_parser("delete", help="delete a file")
    delete.add_argument("file_id")
    delete.set_defaults(handler=_files_delete)

    api = commands.add_parser(
        "api",
        help="call any client method with JSON arguments, print the JSON result",
        description="Call client.RESOURCE.METHOD(**ARGS), e.g. `trio-openai api models.retrieve --json "
        '\'{"model": "gpt-4o"}\'`. Listings and streams print one JSON document per line.',
    )
    api.add_argument("method", metavar="RESOURCE.METHOD")
    api.add_argument("--json", default="{}", metavar="ARGS", help="the keyword arguments as a JSON object")
    api.set_defaults(handler=_api)


def _encode(value: Any) -> bytes:
    return msgspec.json.encode(value)


def _write_json(value: Any) -> None:
    sys.stdout.buffer.write(_encode(value) + b"\n")
    sys.stdout.buffer.flush()


async def _chat(client: Any, args: argparse.Namespace) -> int:
    messages = [{"role": "user", "content": args.prompt}]
    if args.stream:
        stream = await client.chat.completions.create(model=args.model, messages=messages, stream=True)
        async with stream:
            async for chunk in stream:
                for choice in chunk.choices:
                    if choice.delta.content:
                        sys.stdout.write(choice.delta.content)
                        sys.stdout.flush()
        sys.stdout.write("\n")
        return EXIT_OK
    completion = await client.chat.completions.create(model=args.model, messages=messages)
    print(completion.choices[0].message.content or "")
    return EXIT_OK


async def _models_list(client: Any, args: argparse.Namespace) -> int:
    async for model in client.models.list():
        print(model.id)
    return EXIT_OK


async def _files_list(client: Any, args: argparse.Namespace) -> int:
    options: dict[str, Any] = {}
    if args.purpose:
        options["purpose"] = args.purpose
    async for file in client.files.list(**options):
        size = getattr(file, "bytes_", None) or getattr(file, "bytes", "")
        print(f"{file.id}\t{size}\t{file.purpose}\t{file.filename}")
    return EXIT_OK


async def _files_upload(client: Any, args: argparse.Namespace) -> int:
    if not os.path.isfile(args.path):  # noqa: ASYNC240 (one stat before any request)
        raise UsageError(f"no such file: {args.path}")
    uploaded = await client.files.create(file=pathlib.Path(args.path), purpose=args.purpose)
    print(uploaded.id)
    return EXIT_OK


async def _files_download(client: Any, args: argparse.Namespace) -> int:
    content = await client.files.content(args.file_id)
    if args.output:
        await content.astream_to_file(args.output)
    else:
        sys.stdout.buffer.write(content.read())
        sys.stdout.buffer.flush()
    return EXIT_OK


async def _files_delete(client: Any, args: argparse.Namespace) -> int:
    deleted = await client.files.delete(args.file_id)
    print(f"{deleted.id}\tdeleted" if deleted.deleted else f"{deleted.id}\tnot deleted")
    return EXIT_OK


def _resolve(client: Any, dotted: str) -> Any:
    target = client
    for part in dotted.split("."):
        if not part or part.startswith("_") or part in ("with_raw_response", "with_streaming_response"):
            raise UsageError(f"not a client method: {dotted!r}")
        try:
            target = getattr(target, part)
        except AttributeError:
            raise UsageError(f"not a client method: {dotted!r} (no {part!r})") from None
    if not callable(target) or inspect.isclass(target):
        raise UsageError(f"not a client method: {dotted!r}")
    return target


async def _api(client: Any, args: argparse.Namespace) -> int:
    method = _resolve(client, args.method)
    try:
        arguments = msgspec.json.decode(args.json)
    except msgspec.DecodeError as exc:
        raise UsageError(f"--json is not valid JSON: {exc}") from None
    if not isinstance(arguments, dict):
        raise UsageError("--json must be a JSON object of keyword arguments")
    try:
        result = method(**cast("dict[str, Any]", arguments))
    except TypeError as exc:
        raise UsageError(f"{args.method}: {exc}") from None
    if hasattr(result, "__aiter__"):
        async for item in result:  # a listing: every item, page after page
            _write_json(item)
        return EXIT_OK
    result = await result
    if hasattr(result, "__aiter__") and hasattr(result, "__aenter__"):  # a stream
        async with result:
            async for event in result:
                _write_json(event)
        return EXIT_OK
    if hasattr(result, "read") and hasattr(result, "write_to_file"):  # binary content
        sys.stdout.buffer.write(result.read())
        sys.stdout.buffer.flush()
        return EXIT_OK
    _write_json(result)
    return EXIT_OK
