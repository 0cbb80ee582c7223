"""Type completeness of the public API, as ``pyright --verifytypes trio_openai --ignoreexternal`` scores it,
checked against the floor in ``.ci/verifytypes-floor.txt``. The floor only goes up: when the score rises,
raise the floor in the same commit (``--update``); a score below the floor fails CI.

pyright must see the package installed with its ``py.typed``: ``.ci/bootstrap`` installs it editable
in setuptools' ``compat`` mode (a static path in a ``.pth`` file, which pyright reads; the default
import-hook finder is invisible to it, scoring 0%), and pyright must run the venv's interpreter, so
``PATH`` and ``VIRTUAL_ENV`` point at ``.venv`` (given ``--pythonpath``, pyright resolves the venv's
``python`` symlink to the base interpreter and loses the venv).

Run from the repository root: .venv/bin/python .ci/verifytypes.py [--update]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ROOT / ".ci" / "verifytypes-floor.txt"


def score() -> tuple[float, list[str]]:
    venv = ROOT / ".venv"
    env = {**os.environ, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run(
        [str(venv / "bin" / "pyright"), "--verifytypes", "trio_openai", "--ignoreexternal", "--outputjson"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    report = json.loads(out.stdout)["typeCompleteness"]
    if not report.get("pyTypedPath"):
        raise SystemExit("pyright found no py.typed for trio_openai: is it installed (bash .ci/bootstrap)?")
    gaps = [
        f"{s['name']}: {s['diagnostics'][0]['message'].splitlines()[0]}"
        for s in report["symbols"]
        if (not s["isTypeKnown"] or s["isTypeAmbiguous"]) and s["diagnostics"]
    ]
    return float(report["completenessScore"]), gaps


def main() -> int:
    value, gaps = score()
    floor = float(FLOOR.read_text().split()[0])
    print(f"type completeness {value:.4%} (floor {floor:.4%})")
    if "--update" in sys.argv[1:]:
        if value < floor:
            print("refusing to lower the floor", file=sys.stderr)
            return 1
        FLOOR.write_text(f"{value:.6f}\n")
        return 0
    if value + 1e-9 < floor:
        print("below the floor; the symbols without a known type:", file=sys.stderr)
        for gap in gaps[:50]:
            print(f"  {gap}", file=sys.stderr)
        return 1
    if value > floor + 1e-9:
        print("above the floor: raise it in this commit (.venv/bin/python .ci/verifytypes.py --update)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
