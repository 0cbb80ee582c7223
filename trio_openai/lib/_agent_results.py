"""What one agent session turn produced, for ``client.beta.agents.sessions.stream(...)``:

* :class:`AgentTurnResult`: the turn, the assistant messages it wrote and (with ``output_type=``) the
  final text parsed into that type; ``output_text`` joins the text of the answer (not commentary).
* :class:`AgentTurnResultError`: the turn did not complete (``reason``: ``failed``, ``cancelled``,
  ``requires_action``, ``incomplete`` or ``observation_failed``), with what was seen of it.
* :class:`AgentOutputParseError`: the turn completed but its text does not parse into ``output_type``.
* ``client.beta.agents.sessions.artifacts.for_result(result)``: the files the turn wrote
  (``content(path)``, ``download(path, to=...)``), found by path among the session's artifacts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, Unpack, cast

import trio

from .._core._errors import OpenAIError

if TYPE_CHECKING:
    from .._blocking._bridge import SyncAPIResource
    from .._blocking._interfaces import BlockingClient
    from .._core._options import RequestOptions
    from .._core._resource import AsyncAPIResource
    from .._core._response import BinaryContent
    from ..types import SessionArtifact, Turn

__all__ = [
    "AgentOutputParseError",
    "AgentResultArtifacts",
    "AgentTurnResult",
    "AgentTurnResultError",
    "AsyncAgentResultArtifacts",
    "ResultErrorReason",
    "artifacts_for_result",
    "sync_artifacts_for_result",
]

OutputT = TypeVar("OutputT")
ParseT = TypeVar("ParseT")

ResultErrorReason = Literal["failed", "cancelled", "requires_action", "incomplete", "observation_failed"]


def _message_text(message: Any) -> str:
    return "".join(
        text
        for part in getattr(message, "content", None) or ()
        if getattr(part, "type", None) == "output_text"
        and isinstance(text := getattr(part, "text", None), str)
    )


@dataclass(frozen=True)
class AgentTurnResult(Generic[OutputT]):
    """One completed turn: ``turn`` (as the last event gave it), the assistant ``messages`` it wrote
    (in order) and ``output_parsed`` (the answer parsed into ``output_type``, else ``None``)."""

    turn: Turn
    messages: list[Any] = field(default_factory=list[Any])
    output_parsed: OutputT | None = None

    @property
    def session_id(self) -> str:
        return self.turn.session_id

    @property
    def turn_id(self) -> str:
        return self.turn.id

    @property
    def output_text(self) -> str:
        """The text of the answer: every message except those in the ``commentary`` phase, joined."""
        return "".join(_message_text(m) for m in self.messages if getattr(m, "phase", None) != "commentary")

    def parse(self, output_type: type[ParseT]) -> AgentTurnResult[ParseT]:
        """A copy with ``output_text`` parsed into ``output_type`` (:class:`AgentOutputParseError` if it
        does not parse; ``TypeError`` for a type strict structured outputs cannot express)."""
        return parse_result(self, output_type)


def parse_result(result: AgentTurnResult[Any], output_type: type[ParseT]) -> AgentTurnResult[ParseT]:
    from ._parsing._errors import StructuredOutputError
    from ._parsing._schema import output_type as build

    plan = build(output_type)
    try:
        parsed: ParseT = plan.decode(result.output_text)
    except StructuredOutputError as exc:
        raise AgentOutputParseError(result) from exc
    return cast("AgentTurnResult[ParseT]", replace(result, output_parsed=parsed))


class AgentOutputParseError(OpenAIError):
    """The turn completed, but its ``output_text`` does not parse into the requested type."""

    result: AgentTurnResult[Any]

    def __init__(self, result: AgentTurnResult[Any]) -> None:
        super().__init__("Could not parse the completed agent output")
        self.result = result


class AgentTurnResultError(OpenAIError):
    """The turn ended without a result: ``reason`` says how; ``turn`` (``None`` if no turn began),
    ``messages`` and ``required_actions`` are what the stream had seen."""

    reason: ResultErrorReason
    turn: Turn | None
    session_id: str | None
    turn_id: str | None
    messages: list[Any]
    required_actions: list[Any]

    def __init__(
        self,
        reason: ResultErrorReason,
        *,
        turn: Turn | None,
        session_id: str | None,
        messages: list[Any],
        required_actions: list[Any],
    ) -> None:
        super().__init__(f"Could not collect the agent turn result: {reason}")
        self.reason = reason
        self.turn = turn
        self.session_id = session_id
        self.turn_id = turn.id if turn is not None else None
        self.messages = messages
        self.required_actions = required_actions


# --- artifacts.for_result ---------------------------------------------------------------------------


def _check_result(result: object) -> AgentTurnResult[Any]:
    if not isinstance(result, AgentTurnResult):
        raise TypeError(f"for_result takes an AgentTurnResult, not {type(result).__name__}")
    return cast("AgentTurnResult[Any]", result)


def _check_path(path: object) -> str:
    if not isinstance(path, str) or not path:
        raise ValueError(f"Expected a non-empty artifact path but received {path!r}")
    return path


class AsyncAgentResultArtifacts:
    """The artifacts one turn wrote (``client.beta.agents.sessions.artifacts.for_result(result)``).

    ``path`` is the artifact's path as the session reports it (``/workspace/out.txt``); the artifact
    is the one of this result's session and turn at that path (``ValueError`` when there is none).
    """

    __slots__ = ("_resource", "result")

    def __init__(self, resource: AsyncAPIResource, result: AgentTurnResult[Any]) -> None:
        self._resource = resource
        self.result = result

    async def find(self, path: str, **options: Unpack[RequestOptions]) -> SessionArtifact:
        """The artifact this turn wrote at ``path`` (the session's artifacts, every page)."""
        _check_path(path)
        listing: Any = getattr(self._resource, "list")  # noqa: B009  # the generated artifacts.list
        async for artifact in listing(self.result.session_id, **options):
            if artifact.turn_id == self.result.turn_id and artifact.path == path:
                found: SessionArtifact = artifact
                return found
        raise ValueError(f"No artifact of turn {self.result.turn_id!r} matches the path {path!r}")

    async def content(self, path: str, **options: Unpack[RequestOptions]) -> BinaryContent:
        """The bytes of the artifact at ``path`` (``.content``, ``.text``, ``.write_to_file(...)``)."""
        artifact = await self.find(path, **options)
        fetch: Any = getattr(self._resource, "content")  # noqa: B009
        body: BinaryContent = await fetch(artifact.id, session_id=self.result.session_id, **options)
        return body

    async def download(
        self, path: str, *, to: str | os.PathLike[str], **options: Unpack[RequestOptions]
    ) -> SessionArtifact:
        """Write the artifact at ``path`` to the local file ``to``; the artifact's description."""
        artifact = await self.find(path, **options)
        fetch: Any = getattr(self._resource, "content")  # noqa: B009
        body: BinaryContent = await fetch(artifact.id, session_id=self.result.session_id, **options)
        await trio.Path(os.fspath(to)).write_bytes(body.content)
        return artifact


class AgentResultArtifacts:
    """The blocking face of :class:`AsyncAgentResultArtifacts` (each call runs in the portal)."""

    __slots__ = ("_async", "_client")

    def __init__(self, inner: AsyncAgentResultArtifacts, client: BlockingClient) -> None:
        self._async = inner
        self._client = client

    @property
    def result(self) -> AgentTurnResult[Any]:
        return self._async.result

    def find(self, path: str, **options: Unpack[RequestOptions]) -> SessionArtifact:
        found: SessionArtifact = self._client._call(self._async.find, path, **options)
        return found

    def content(self, path: str, **options: Unpack[RequestOptions]) -> BinaryContent:
        body: BinaryContent = self._client._call(self._async.content, path, **options)
        return body

    def download(
        self, path: str, *, to: str | os.PathLike[str], **options: Unpack[RequestOptions]
    ) -> SessionArtifact:
        found: SessionArtifact = self._client._call(self._async.download, path, to=to, **options)
        return found


def artifacts_for_result(self: AsyncAPIResource, result: AgentTurnResult[Any]) -> AsyncAgentResultArtifacts:
    """``client.beta.agents.sessions.artifacts.for_result(result)``: the artifacts of that turn."""
    return AsyncAgentResultArtifacts(self, _check_result(result))


def sync_artifacts_for_result(
    self: SyncAPIResource[Any], result: AgentTurnResult[Any]
) -> AgentResultArtifacts:
    """The blocking ``for_result``."""
    inner = AsyncAgentResultArtifacts(self._async, _check_result(result))
    return AgentResultArtifacts(inner, self._client)
