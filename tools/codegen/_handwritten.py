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
    "RUNTIME_WIDENED_FIELDS",
    "SYNC_HELPERS",
    "TYPE_PROPERTIES",
    "Attachment",
    "RequestHook",
    "TypeProperty",
]


@dataclass(frozen=True)
class Attachment:
    """``attribute = name`` in the async resource class, ``name`` imported from ``module`` (relative to
    the ``trio_openai`` package)."""

    attribute: str
    module: str
    name: str


#: Resource path -> the helpers its async class carries (``client.chat.completions.stream(...)``).
HELPERS: dict[tuple[str, ...], tuple[Attachment, ...]] = {
    ("chat", "completions"): (Attachment("stream", "lib.streaming.chat", "chat_completion_stream"),),
    ("responses",): (Attachment("stream", "lib.streaming.responses", "response_stream_method"),),
}


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


# --- Realtime (WebSocket sessions: trio_openai/realtime/) ------------------------------------------------
# Kept in its own block: other helpers extend the tables above.

#: Resource path -> the hand-written helpers its *blocking* class carries (``OpenAI().realtime.connect``).
SYNC_HELPERS: dict[tuple[str, ...], tuple[Attachment, ...]] = {
    ("realtime",): (Attachment("connect", "realtime._sync", "realtime_connect_blocking"),),
}
HELPERS[("realtime",)] = (Attachment("connect", "realtime._connect", "realtime_connect"),)

#: Schemas no operation reaches that the generator emits anyway: WebSocket events travel outside any
#: HTTP operation. Response types (msgspec Structs, the server's events) and request types (TypedDicts,
#: the client's events).
EXTRA_RESPONSE_TYPES: tuple[str, ...] = ("RealtimeServerEvent",)
EXTRA_REQUEST_TYPES: tuple[str, ...] = ("RealtimeClientEvent",)
