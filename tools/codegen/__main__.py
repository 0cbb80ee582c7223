"""Generate ``trio_openai/types/`` and ``trio_openai/resources/`` from the OpenAPI spec.

    python -m tools.codegen [SPEC] [--out PACKAGE_DIR]

SPEC defaults to ``../shared/openapi/openapi.yaml`` (relative to the repository root); the output goes
to ``trio_openai/`` in the repository unless ``--out`` names another package directory.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._generate import generate

REPO = Path(__file__).resolve().parents[2]


def _default_spec() -> Path:
    """``../shared/openapi/openapi.yaml`` from the repository root (or from a folder above it, for a
    worktree kept deeper than the main checkout)."""
    for base in REPO.parents:
        candidate = base / "shared" / "openapi" / "openapi.yaml"
        if candidate.exists():
            return candidate
    return REPO.parent / "shared" / "openapi" / "openapi.yaml"


DEFAULT_SPEC = _default_spec()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.codegen", description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", default=str(DEFAULT_SPEC), help="the OpenAPI YAML file")
    parser.add_argument("--out", default=str(REPO / "trio_openai"), help="the package directory to write")
    args = parser.parse_args(argv)
    report = generate(Path(args.spec), Path(args.out))
    print(report, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
