"""Command line: download, port, run against Steady, report (see the package docstring)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from ._port import CONFTEST, PYTEST_INI, port_source
from ._report import load_outcomes, render_report, spec_endpoints
from ._steady import run_steady

REPO = Path(__file__).resolve().parents[2]
DEFAULT_VERSION = "3.57.0"
FACTS = REPO / "tools" / "codegen" / "official_surface.json"
SUPPLEMENT = REPO / "tools" / "codegen" / "supplement.json"


def download_sdist(version: str, into: Path) -> Path:
    """``pip download`` the official release's source distribution (no wheel, no dependencies)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            f"openai=={version}",
            "-d",
            str(into),
        ],
        check=True,
        timeout=600,
    )
    found = sorted(into.glob("openai-*.tar.gz"))
    if not found:
        raise RuntimeError(f"pip downloaded no source distribution of openai=={version}")
    return found[0]


def extract_tests(sdist: Path, into: Path) -> Path:
    """Copy ``tests/api_resources`` out of the archive, ported; returns the suite's folder."""
    suite = into / "official"
    if suite.exists():
        shutil.rmtree(suite)
    suite.mkdir(parents=True)
    (suite / "__init__.py").write_text("")
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            parts = Path(member.name).parts
            if len(parts) < 3 or parts[1:3] != ("tests", "api_resources") or not member.isfile():
                continue
            if not member.name.endswith(".py"):
                continue
            rel = Path(*parts[2:])
            f = tar.extractfile(member)
            assert f is not None
            text = f.read().decode()
            dest = suite / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(port_source(text) if rel.name.startswith("test_") else text)
    for d in [suite, *(p for p in suite.rglob("*") if p.is_dir())]:
        (d / "__init__.py").touch()
    (suite / "conftest.py").write_text(CONFTEST)
    (into / "pytest.ini").write_text(PYTEST_INI)
    return suite


def served_spec(spec: Path, with_supplement: bool, tmp: Path) -> tuple[Path, dict[str, Any]]:
    """The spec file Steady serves (the public spec, or it merged with the supplement) and its parse."""
    from tools.codegen._spec import load_spec

    doc = load_spec(spec).doc
    if not with_supplement:
        return spec, doc
    from tools.codegen.supplement import merged_document

    merged = merged_document(doc)
    out = tmp / "openapi-with-supplement.json"
    out.write_text(json.dumps(merged, default=str))  # the YAML has a few dates
    return out, merged


def official_facts() -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for path in (FACTS, SUPPLEMENT):
        if path.exists():
            data = json.loads(path.read_text())
            facts.update(data.get("methods") or data.get("x-official-methods") or {})
    return facts


def main(argv: list[str] | None = None) -> int:
    from tools.codegen.__main__ import DEFAULT_SPEC

    parser = argparse.ArgumentParser(prog="python -m tools.official_tests", description=__doc__)
    parser.add_argument("--version", default=DEFAULT_VERSION, help="the official release to port")
    parser.add_argument("--sdist", help="a local source distribution instead of downloading one")
    parser.add_argument("--spec", default=str(DEFAULT_SPEC), help="the OpenAPI spec Steady serves")
    parser.add_argument("--supplement", action="store_true", help="serve the spec merged with the supplement")
    parser.add_argument("-k", dest="keyword", help="pytest -k expression")
    parser.add_argument("--keep", help="write the ported suite and the results into this folder")
    parser.add_argument("--results", help="also write the outcomes (JSON lines) to this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="official-tests-") as tmp_name:
        tmp = Path(args.keep) if args.keep else Path(tmp_name)
        tmp.mkdir(parents=True, exist_ok=True)
        sdist = Path(args.sdist) if args.sdist else download_sdist(args.version, tmp / "dist")
        suite = extract_tests(sdist, tmp / "suite")
        spec_file, doc = served_spec(Path(args.spec), args.supplement, tmp)
        results = tmp / "results.jsonl"
        results.write_text("")
        with run_steady(spec_file) as url:
            env = {
                **os.environ,
                "TEST_API_BASE_URL": url,
                "OFFICIAL_TESTS_RESULTS": str(results),
                "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
                "OPENAI_API_KEY": "My API Key",
            }
            cmd = [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:randomly",
                "-c",
                str(suite.parent / "pytest.ini"),
                "--rootdir",
                str(suite.parent),
                "--tb=no",
                "--no-header",
                "-rN",
                str(suite),
            ]
            if args.keyword:
                cmd += ["-k", args.keyword]
            proc = subprocess.run(
                cmd, cwd=suite.parent, env=env, timeout=3600, capture_output=True, text=True
            )
            tail = proc.stdout.strip().splitlines()[-1:] if proc.stdout else []
            if proc.returncode not in (0, 1):
                print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
                return proc.returncode
        outcomes = load_outcomes(results)
        if args.results:
            Path(args.results).write_text(results.read_text())
        print(
            f"openai {args.version} tests/api_resources on trio_openai, Steady serving "
            f"{'spec + supplement' if args.supplement else 'the public spec'}; pytest: {' '.join(tail)}"
        )
        print(render_report(outcomes, official_facts(), spec_endpoints(doc)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
