"""Structured outputs, the public names: types to strict schemas, tools from types, parsed results.

::

    class Step(msgspec.Struct):
        explanation: str
        output: str

    completion = await client.chat.completions.parse(model=..., messages=[...], response_format=Step)
    step = completion.choices[0].message.parsed  # a Step (None if the model refused)

Accepted types, the strict-schema rules and what is rejected: :mod:`trio_openai.lib._parsing._schema`.
"""

from __future__ import annotations

from ._parsing._chat_types import ParsedChatCompletion as ParsedChatCompletion
from ._parsing._chat_types import ParsedChatCompletionMessage as ParsedChatCompletionMessage
from ._parsing._chat_types import ParsedChoice as ParsedChoice
from ._parsing._chat_types import ParsedFunction as ParsedFunction
from ._parsing._chat_types import ParsedFunctionToolCall as ParsedFunctionToolCall
from ._parsing._errors import ContentFilterFinishReasonError as ContentFilterFinishReasonError
from ._parsing._errors import LengthFinishReasonError as LengthFinishReasonError
from ._parsing._errors import StructuredOutputError as StructuredOutputError
from ._parsing._responses_types import ParsedResponse as ParsedResponse
from ._parsing._responses_types import ParsedResponseFunctionToolCall as ParsedResponseFunctionToolCall
from ._parsing._responses_types import ParsedResponseOutputMessage as ParsedResponseOutputMessage
from ._parsing._responses_types import ParsedResponseOutputText as ParsedResponseOutputText
from ._parsing._schema import OutputType as OutputType
from ._parsing._schema import output_type as output_type
from ._parsing._schema import strict_json_schema as strict_json_schema
from ._parsing._tools import FunctionTool as FunctionTool
from ._parsing._tools import function_tool as function_tool
from ._parsing._tools import pydantic_function_tool as pydantic_function_tool
from ._parsing._tools import pydantic_responses_function_tool as pydantic_responses_function_tool
from ._parsing._tools import responses_function_tool as responses_function_tool

__all__ = [
    "ContentFilterFinishReasonError",
    "FunctionTool",
    "LengthFinishReasonError",
    "OutputType",
    "ParsedChatCompletion",
    "ParsedChatCompletionMessage",
    "ParsedChoice",
    "ParsedFunction",
    "ParsedFunctionToolCall",
    "ParsedResponse",
    "ParsedResponseFunctionToolCall",
    "ParsedResponseOutputMessage",
    "ParsedResponseOutputText",
    "StructuredOutputError",
    "function_tool",
    "output_type",
    "pydantic_function_tool",
    "pydantic_responses_function_tool",
    "responses_function_tool",
    "strict_json_schema",
]
