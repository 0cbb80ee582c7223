"""Run the official SDK's own generated resource tests against trio_openai.

    python -m tools.official_tests [--version 3.57.0] [--supplement] [-k EXPR] [--keep DIR]

The official release's source distribution is downloaded with pip into a temporary folder at run time
(nothing of it is committed), its ``tests/api_resources`` (sync and async) are mechanically ported
(:mod:`._port`: imports, fixtures, trio in place of asyncio, a type check that accepts msgspec Structs),
run with pytest against a Steady mock server on a free port, and summarised per resource group with
the failures grouped by cause (:mod:`._report`).
"""
