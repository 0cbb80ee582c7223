"""Mechanical port of one official resource test file to trio_openai (an AST rewrite of its imports).

* ``from openai[.x] import A, B as C`` -> ``A, C = official_names("openai.x", "A", "B")``
* ``import openai.x as y`` -> ``y = official_module("openai.x")``
* ``from tests.utils import ...`` / ``from tests.respx2 import ...`` / ``import httpx2`` -> the shim's
* everything else (the test bodies) is left as it is: the async tests run under pytest-trio, since
  the official ones only ``await`` the client.
"""

from __future__ import annotations

import ast

__all__ = ["CONFTEST", "PYTEST_INI", "port_source"]

_SHIM = "tools.official_tests._shim"


def _names_call(module: str, aliases: list[ast.alias]) -> ast.stmt:
    targets = [ast.Name(a.asname or a.name, ast.Store()) for a in aliases]
    call = ast.Call(
        ast.Name("_official_names", ast.Load()),
        [ast.Constant(module), *(ast.Constant(a.name) for a in aliases)],
        [],
    )
    target: ast.expr = targets[0] if len(targets) == 1 else ast.Tuple(list(targets), ast.Store())
    return ast.Assign([target], call, lineno=0)


class _Rewrite(ast.NodeTransformer):
    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.stmt:
        # a plain test that asks for the async client (to inspect it) runs as a trio test
        if node.name.startswith("test_") and any(a.arg == "async_client" for a in node.args.args):
            return ast.copy_location(
                ast.AsyncFunctionDef(
                    node.name,
                    node.args,
                    node.body,
                    node.decorator_list,
                    node.returns,
                    node.type_comment,
                    type_params=[],
                ),
                node,
            )
        return self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.stmt | list[ast.stmt]:
        module = node.module or ""
        if module == "openai" or module.startswith("openai."):
            return _names_call(module, node.names)
        if module in ("tests.utils", "tests.respx2"):
            return ast.ImportFrom(_SHIM, node.names, 0)
        return node

    def visit_Import(self, node: ast.Import) -> ast.stmt | list[ast.stmt]:
        out: list[ast.stmt] = []
        for alias in node.names:
            if alias.name == "httpx2":
                out.append(ast.ImportFrom(_SHIM, [ast.alias("httpx2", alias.asname)], 0))
            elif alias.name == "openai" or alias.name.startswith("openai."):
                call = ast.Call(ast.Name("_official_module", ast.Load()), [ast.Constant(alias.name)], [])
                out.append(ast.Assign([ast.Name(alias.asname or alias.name, ast.Store())], call, lineno=0))
            else:
                out.append(ast.Import([alias]))
        return out


def port_source(source: str) -> str:
    """The ported text of one official test module."""
    tree = ast.parse(source)
    tree = _Rewrite().visit(tree)
    head = ast.parse(
        f"from {_SHIM} import official_module as _official_module, official_names as _official_names"
    )
    body = list(tree.body)
    at = 0
    while at < len(body) and isinstance(body[at], ast.ImportFrom) and body[at].module == "__future__":
        at += 1
    if at == 0 and body and isinstance(body[0], ast.Expr):  # a module docstring
        at = 1
    tree.body = [*body[:at], *head.body, *body[at:]]
    return "# Ported from the official SDK's tests at run time; never committed.\n" + ast.unparse(
        ast.fix_missing_locations(tree)
    )


PYTEST_INI = """\
[pytest]
trio_mode = true
markers =
    respx2: the official tests' respx marker (answered by the shim's router)
filterwarnings =
    ignore
"""

#: The ported suite's conftest: the official fixtures' names, pointed at trio_openai and Steady, and a
#: recorder of every outcome for the report.
CONFTEST = '''\
"""Fixtures of the ported official tests: trio_openai clients on the Steady URL, and a result recorder."""

from __future__ import annotations

import inspect
import json
import os

import pytest

from tools.official_tests._shim import MockRouter
from trio_openai import AsyncOpenAI, OpenAI

BASE_URL = os.environ["TEST_API_BASE_URL"]
RESULTS = os.environ["OFFICIAL_TESTS_RESULTS"]


def _kwargs(cls, request) -> dict:
    kw = {"base_url": BASE_URL, "api_key": "My API Key", "max_retries": 0}
    if "admin_api_key" in inspect.signature(cls.__init__).parameters:
        kw["admin_api_key"] = "My Admin API Key"
    if "respx2_mock" in request.fixturenames:
        kw["transport"] = request.getfixturevalue("respx2_mock").transport()
    return kw


@pytest.fixture
def respx2_mock(request):
    marker = request.node.get_closest_marker("respx2")
    return MockRouter(**(marker.kwargs if marker else {}))


@pytest.fixture(scope="session")
def _shared_client():
    with OpenAI(base_url=BASE_URL, api_key="My API Key", max_retries=0,
                **({"admin_api_key": "My Admin API Key"}
                   if "admin_api_key" in inspect.signature(OpenAI.__init__).parameters else {})) as c:
        yield c


@pytest.fixture
def client(request, _shared_client):
    if "respx2_mock" not in request.fixturenames:
        yield _shared_client
        return
    with OpenAI(**_kwargs(OpenAI, request)) as c:
        yield c


@pytest.fixture
async def async_client(request):
    async with AsyncOpenAI(**_kwargs(AsyncOpenAI, request)) as c:
        yield c


_out = open(RESULTS, "a", encoding="utf-8")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" or (report.when == "setup" and not report.passed):
        record = {"nodeid": report.nodeid, "outcome": report.outcome, "when": report.when}
        if call.excinfo is not None and not report.passed:
            exc = call.excinfo.value
            while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
                exc = exc.exceptions[0]
            record["type"] = type(exc).__name__
            record["module"] = type(exc).__module__
            record["message"] = str(exc)[:400]
            record["status"] = getattr(exc, "status_code", None)
            tb = exc.__traceback__
            files = []
            while tb is not None:
                files.append(tb.tb_frame.f_code.co_filename)
                tb = tb.tb_next
            record["files"] = files[-4:]
        _out.write(json.dumps(record) + "\\n")
        _out.flush()
'''
