"""Where generated code meets hand-written code: the few places the generator wires in ``lib/``.

Everything here is a small table, so what the generated files take from hand-written modules is stated
in one place (and the generator checks each entry against the operations it generates).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "EXTRA_REQUEST_TYPES",
    "EXTRA_RESPONSE_TYPES",
    "HELPERS",
    "REQUEST_HOOKS",
    "ROOT_RESOURCES",
    "RUNTIME_WIDENED_FIELDS",
    "TYPE_PROPERTIES",
    "WEBHOOK_EVENTS",
    "Attachment",
    "RequestHook",
    "RootResource",
    "TypeProperty",
]


@dataclass(frozen=True)
class Attachment:
    """``attribute = name`` in the async resource class, ``name`` imported from ``module`` (relative to
    the ``trio_openai`` package).

    The blocking class gets ``attribute = sync_name`` (imported from ``sync_module``, default
    ``module``) when the helper has a hand-written blocking twin; without one (``sync_name=None``) it
    gets ``attribute = to_sync(AsyncX.attribute)``: the async helper run in the portal, which suits any
    helper that is a coroutine function.
    """

    attribute: str
    module: str
    name: str
    sync_name: str | None = None
    sync_module: str | None = None
    wrapped: bool = False
    """The helper is a coroutine function sending one request: ``with_raw_response`` and
    ``with_streaming_response`` get it too, as they get every generated method."""


#: Resource path -> the helpers its classes carry (``client.chat.completions.stream(...)``,
#: ``client.beta.threads.runs.create_and_poll(...)``).
HELPERS: dict[tuple[str, ...], tuple[Attachment, ...]] = {
    ("chat", "completions"): (
        Attachment(
            "stream",
            "lib.streaming.chat",
            "chat_completion_stream",
            sync_name="sync_chat_completion_stream",
            sync_module="lib.streaming._chat_sync",
        ),
    ),
    ("responses",): (
        Attachment(
            "stream",
            "lib.streaming.responses",
            "response_stream_method",
            sync_name="sync_response_stream_method",
            sync_module="lib.streaming._responses_sync",
        ),
    ),
    ("beta", "threads", "runs"): (
        Attachment("poll", "lib._polling", "runs_poll"),
        Attachment("create_and_poll", "lib._polling", "runs_create_and_poll"),
        Attachment("submit_tool_outputs_and_poll", "lib._polling", "runs_submit_tool_outputs_and_poll"),
    ),
    ("vector_stores", "files"): (
        Attachment("poll", "lib._polling", "vector_store_file_poll"),
        Attachment("create_and_poll", "lib._polling", "vector_store_file_create_and_poll"),
    ),
    ("vector_stores", "file_batches"): (
        Attachment("poll", "lib._polling", "file_batch_poll"),
        Attachment("create_and_poll", "lib._polling", "file_batch_create_and_poll"),
    ),
    ("videos",): (
        Attachment("poll", "lib._polling", "video_poll"),
        Attachment("create_and_poll", "lib._polling", "video_create_and_poll"),
    ),
    ("files",): (Attachment("wait_for_processing", "lib._polling", "file_wait_for_processing"),),
}


@dataclass(frozen=True)
class RootResource:
    """A hand-written top-level resource (``client.webhooks``): ``async_class(client)`` on
    ``AsyncOpenAI`` and ``sync_class(client, client._async.<name>)`` on ``OpenAI``, both imported from
    ``module`` on first access."""

    name: str
    module: str
    async_class: str
    sync_class: str


ROOT_RESOURCES: tuple[RootResource, ...] = (
    RootResource("webhooks", "lib._webhooks", "AsyncWebhooks", "Webhooks"),
)

#: The union of the spec's webhook event payloads (the schemas under its top-level ``webhooks``), with
#: the official SDK's name; ``client.webhooks.unwrap(...)`` decodes into it.
WEBHOOK_EVENTS = "UnwrapWebhookEvent"


@dataclass(frozen=True)
class RequestHook:
    """``post_parser = name(body)`` before sending: the function may change the request body and returns
    the function that finishes the parsed result (or ``None``)."""

    module: str
    name: str


#: "resource.path.method" -> the hook its generated method calls.
REQUEST_HOOKS: dict[str, RequestHook] = {
    "embeddings.create": RequestHook("lib._embeddings", "default_to_base64"),
}

#: (class, field) -> the wider annotation the field gets at runtime (the type checker keeps the
#: spec's). ``Embedding.embedding`` is a base64 string when the caller asked for
#: ``encoding_format="base64"``; by default the client asks for base64 and decodes it to floats.
RUNTIME_WIDENED_FIELDS: dict[tuple[str, str], str] = {
    ("Embedding", "embedding"): "list[float] | str",
}


@dataclass(frozen=True)
class TypeProperty:
    """A read-only property of a generated response type, computed by a hand-written function of the
    object (imported from ``module``, relative to the ``trio_openai`` package)."""

    name: str
    returns: str
    module: str
    function: str
    doc: str


#: Generated class -> its computed properties (``Response.output_text``, as the official SDK has).
_OUTPUT_TEXT = TypeProperty(
    "output_text",
    "str",
    "lib._output_text",
    "response_output_text",
    "The text of every ``output_text`` part of every output message, joined (computed, not sent).",
)

#: Generated class -> its computed properties; a spec field of the same name (the spec marks
#: ``output_text`` as an "SDK-only convenience property") gives way to the property.
TYPE_PROPERTIES: dict[str, tuple[TypeProperty, ...]] = {
    "Response": (_OUTPUT_TEXT,),
    "BetaResponse": (_OUTPUT_TEXT,),
}


# --- Structured outputs (trio_openai/lib/_parsing/) -----------------------------------------------------

HELPERS[("chat", "completions")] += (
    Attachment("parse", "lib._parsing._chat", "chat_completions_parse", wrapped=True),
)
HELPERS[("responses",)] += (Attachment("parse", "lib._parsing._responses", "responses_parse", wrapped=True),)
REQUEST_HOOKS["chat.completions.create"] = RequestHook("lib._parsing._hooks", "reject_chat_format_types")
REQUEST_HOOKS["responses.create"] = RequestHook("lib._parsing._hooks", "reject_text_format_types")
#: ``client.beta.chat.completions.parse`` / ``.stream``: the official SDK's older path, an alias.
HELPERS[("beta",)] = (Attachment("chat", "lib._parsing._beta", "beta_chat", sync_name="sync_beta_chat"),)


# --- Realtime (WebSocket sessions: trio_openai/realtime/) ------------------------------------------------
# Kept in its own block: other helpers extend the tables above.

HELPERS[("realtime",)] = (
    Attachment(
        "connect",
        "realtime._connect",
        "realtime_connect",
        sync_name="realtime_connect_blocking",
        sync_module="realtime._sync",
    ),
)

#: Schemas no operation reaches that the generator emits anyway: WebSocket events travel outside any
#: HTTP operation. Response types (msgspec Structs, the server's events) and request types (TypedDicts,
#: the client's events).
EXTRA_RESPONSE_TYPES: tuple[str, ...] = ("RealtimeServerEvent",)
EXTRA_REQUEST_TYPES: tuple[str, ...] = ("RealtimeClientEvent",)

# --- The other WebSocket sessions (trio_openai/realtime/_sessions.py) -------------------------------------


def _session(attribute: str, name: str) -> Attachment:
    return Attachment(
        attribute, "realtime._sessions", name, sync_name=f"{name}_blocking", sync_module="realtime._sessions"
    )


for _path, _name in (
    (("responses",), "responses_connect"),
    (("beta", "responses"), "beta_responses_connect"),
    (("live",), "live_connect"),
    (("live", "forks"), "live_forks_connect"),
    (("live", "sideband"), "live_sideband_connect"),
    (("realtime", "translations"), "translations_connect"),
    (("beta", "realtime"), "beta_realtime_connect"),
):
    HELPERS[_path] = (*HELPERS.get(_path, ()), _session("connect", _name))

# --- Upload helpers (trio_openai/lib/_uploads.py) ----------------------------------------------------------

HELPERS[("uploads",)] = (
    *HELPERS.get(("uploads",), ()),
    Attachment("upload_file_chunked", "lib._uploads", "upload_file_chunked"),
)
HELPERS[("vector_stores", "files")] += (
    Attachment("upload", "lib._uploads", "vector_store_file_upload"),
    Attachment("upload_and_poll", "lib._uploads", "vector_store_file_upload_and_poll"),
)
HELPERS[("vector_stores", "file_batches")] += (
    Attachment("upload_and_poll", "lib._uploads", "file_batch_upload_and_poll"),
)
HELPERS[("beta", "threads")] = (
    *HELPERS.get(("beta", "threads"), ()),
    Attachment("create_and_run_poll", "lib._uploads", "threads_create_and_run_poll"),
)

# --- Assistants run streams (trio_openai/lib/streaming/assistants.py) ------------------------------------


def _run_stream(attribute: str, name: str) -> Attachment:
    return Attachment(
        attribute,
        "lib.streaming.assistants",
        name,
        sync_name=f"sync_{name}",
        sync_module="lib.streaming.assistants",
    )


HELPERS[("beta", "threads", "runs")] += (
    _run_stream("stream", "runs_stream"),
    _run_stream("create_and_stream", "runs_create_and_stream"),
    _run_stream("submit_tool_outputs_stream", "runs_submit_tool_outputs_stream"),
)
HELPERS[("beta", "threads")] += (_run_stream("create_and_run_stream", "create_and_run_stream"),)

# --- Agent environment file helpers (trio_openai/lib/_agent_files.py) ----------------------------------

HELPERS[("beta", "agents", "environments", "files")] = (
    *HELPERS.get(("beta", "agents", "environments", "files"), ()),
    Attachment("upload", "lib._agent_files", "environment_files_upload"),
    Attachment("prepare", "lib._agent_files", "environment_files_prepare"),
    Attachment("prepare_directory", "lib._agent_files", "environment_files_prepare_directory"),
)

# --- Agent session turns (trio_openai/lib/streaming/agents.py, trio_openai/lib/_agent_results.py) ------

HELPERS[("beta", "agents", "sessions")] = (
    *HELPERS.get(("beta", "agents", "sessions"), ()),
    Attachment(
        "stream",
        "lib.streaming.agents",
        "sessions_stream",
        sync_name="sync_sessions_stream",
        sync_module="lib.streaming.agents",
    ),
)
HELPERS[("beta", "agents", "sessions", "artifacts")] = (
    *HELPERS.get(("beta", "agents", "sessions", "artifacts"), ()),
    Attachment(
        "for_result",
        "lib._agent_results",
        "artifacts_for_result",
        sync_name="sync_artifacts_for_result",
        sync_module="lib._agent_results",
    ),
)
