"""``client.chat.completions.parse(...)``: a chat completion whose content and tool arguments are parsed.

``response_format=T`` (a type, see :mod:`._schema`) is sent as its strict ``json_schema`` format and the
content of each choice comes back as ``choice.message.parsed`` (a ``T``; ``None`` when the model refused:
read ``message.refusal``). A ``response_format`` dict is sent as given and nothing is parsed. Every tool
must be a strict function tool (``function_tool(T)``, or a dict with ``"strict": True``); a call of a
``function_tool(T)`` gets ``function.parsed_arguments`` as a ``T``, a call of another strict tool gets
its arguments as plain JSON data.

A choice that stopped at the token limit raises :class:`LengthFinishReasonError`, one stopped by the
content filter :class:`ContentFilterFinishReasonError`; text that does not parse raises
:class:`StructuredOutputError` with the raw text. All checks of the request happen before it is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Unpack, cast

from ..._core._options import Omit, RequestOptions, omit
from .._chat_params import ChatCompletionRequestParams, split_chat_params
from ._chat_types import ParsedChatCompletion, ParsedFunctionToolCall
from ._errors import ContentFilterFinishReasonError, LengthFinishReasonError
from ._plan import ParsePlan
from ._schema import OutputType, output_type
from ._tools import FunctionTool

if TYPE_CHECKING:
    from ..._core._resource import AsyncAPIResource
    from ...types import ChatCompletion

__all__ = ["ChatParsePlan", "chat_completions_parse", "plan_chat_parse"]

T = TypeVar("T")


class ChatParsePlan(ParsePlan):
    """What to parse in the answer to one request: the content type and each tool's argument type."""

    __slots__ = ()

    @property
    def parses_anything(self) -> bool:
        return self.content is not None or bool(self.tools)

    def parse_content(self, content: str | None, refusal: str | None) -> Any:
        if self.content is None or not content or refusal:
            return None
        return self.content.decode(content)

    def check_finish(self, finish_reason: str | None, completion: ChatCompletion) -> None:
        if finish_reason == "length":
            raise LengthFinishReasonError(completion=completion)
        if finish_reason == "content_filter":
            raise ContentFilterFinishReasonError(completion=completion)

    def finish(self, completion: ParsedChatCompletion[Any]) -> ParsedChatCompletion[Any]:
        """Fill ``parsed`` / ``parsed_arguments`` in place (the ``post_parser`` of the request)."""
        for choice in completion.choices:
            self.check_finish(choice.finish_reason, completion)
            message = choice.message
            message.parsed = self.parse_content(message.content, message.refusal)
            for call in message.tool_calls or ():
                if isinstance(call, ParsedFunctionToolCall):
                    function = call.function
                    function.parsed_arguments = self.parse_arguments(function.name, function.arguments)
        return completion


def plan_chat_parse(body: dict[str, object], *, require_strict: bool = True) -> ChatParsePlan:
    """Turn a type in ``body["response_format"]`` into its strict format and check the tools (in
    place); ``require_strict``: every tool must be a strict function tool (``parse()``), else tools
    that are not strict are just not parsed (``stream()``)."""
    content: OutputType | None = None
    response_format = body.get("response_format")
    if response_format is not None and not isinstance(response_format, Mapping):
        content = output_type(response_format)
        body["response_format"] = content.response_format()
    tools: dict[str, OutputType | None] = {}
    given = body.get("tools")
    if given is not None:
        listed = list(cast("Iterable[Mapping[str, Any]]", given))
        body["tools"] = listed
        for tool in listed:
            kind = tool.get("type")
            function = tool.get("function")
            if kind != "function" or not isinstance(function, Mapping):
                if require_strict:
                    raise ValueError(
                        f"Currently only `function` tool types support auto-parsing; Received `{kind}`"
                    )
                continue
            definition = cast("Mapping[str, Any]", function)
            name = str(definition.get("name"))
            if definition.get("strict") is not True:
                if require_strict:
                    raise ValueError(
                        f"`{name}` is not strict. Only `strict` function tools can be auto-parsed"
                    )
                continue
            tools[name] = definition.output_type if isinstance(definition, FunctionTool) else None
    return ChatParsePlan(content, tools)


async def chat_completions_parse(
    self: AsyncAPIResource,
    *,
    messages: Iterable[Mapping[str, Any]],
    model: str,
    response_format: type[T] | Mapping[str, Any] | Omit = omit,
    tools: Iterable[Mapping[str, Any]] | Omit = omit,
    **params: Unpack[ChatCompletionRequestParams],
) -> ParsedChatCompletion[T]:
    """Create a chat completion and parse it: ``message.parsed`` is a ``response_format`` instance,
    ``tool_calls[i].function.parsed_arguments`` the arguments of a ``function_tool(T)`` call.

    Takes the parameters of ``chat.completions.create`` except ``stream`` (use ``.stream(...)``)."""
    body, options = split_chat_params("parse", messages, model, response_format, tools, params)
    plan = plan_chat_parse(body)
    result: ParsedChatCompletion[T] = await self._client._request(
        "post",
        "/chat/completions",
        cast_to=ParsedChatCompletion,
        body=body,
        options=RequestOptions(**options),
        post_parser=plan.finish,
    )
    return result
