"""Structured outputs: strict JSON schemas from Python types, and parsing the model's JSON back into them.

* :mod:`._schema`: a type -> its :class:`OutputType` (strict schema, name, decoder), cached per type;
* :mod:`._errors`: the finish-reason errors and :class:`StructuredOutputError`;
* :mod:`._tools`: ``function_tool(T)`` and the official-name aliases;
* :mod:`._chat` / :mod:`._responses`: ``parse()`` for Chat Completions and the Responses API, with the
  ``Parsed*`` result types in :mod:`._chat_types` and :mod:`._responses_types`.

Nothing here imports pydantic: a pydantic class is recognised by its own module being loaded already.
"""
