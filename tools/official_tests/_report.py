"""Reading the recorded outcomes: pass/fail per resource group, and the failures grouped by cause."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CAUSES", "Outcome", "cause_of", "load_outcomes", "render_report", "spec_endpoints"]

CAUSES = (
    "endpoint outside the served spec",
    "missing method",
    "missing wrapper attribute",
    "missing parameter",
    "wrong type",
    "missing deprecation warning",
    "Steady rejection",
    "other",
)

_PREFIXES = ("method_", "raw_response_", "streaming_response_", "path_params_")


@dataclass
class Outcome:
    nodeid: str
    passed: bool
    group: str  # `beta.agents.sessions`, from the test file's path
    method: str  # `create`, from the test's name
    record: dict[str, Any] = field(default_factory=dict[str, Any])

    @property
    def key(self) -> str:
        return f"{self.group}.{self.method}"


def _split(nodeid: str) -> tuple[str, str]:
    file, _, rest = nodeid.partition("::")
    parts = Path(file).with_suffix("").parts
    at = parts.index("api_resources") + 1 if "api_resources" in parts else 0
    segs = [*parts[at:-1], parts[-1].removeprefix("test_")]
    test = rest.rsplit("::", 1)[-1].split("[", 1)[0].removeprefix("test_")
    for prefix in _PREFIXES:
        if test.startswith(prefix):
            test = test.removeprefix(prefix)
            break
    test = re.sub(r"(_with_all_params)?(_overload_\d+)?$", "", test)
    return ".".join(segs), test


def load_outcomes(path: Path) -> list[Outcome]:
    out: dict[str, Outcome] = {}
    for line in path.read_text().splitlines():
        rec = json.loads(line)
        group, method = _split(rec["nodeid"])
        passed = rec["outcome"] == "passed"
        if rec["nodeid"] in out and out[rec["nodeid"]].passed is False:
            continue  # keep the first failure (setup before call)
        out[rec["nodeid"]] = Outcome(rec["nodeid"], passed, group, method, rec)
    return list(out.values())


def spec_endpoints(doc: dict[str, Any]) -> set[tuple[str, str]]:
    """(method, path with anonymous parameters) of every operation of a parsed spec."""
    found: set[tuple[str, str]] = set()
    for path, item in (doc.get("paths") or {}).items():
        for method in ("get", "post", "put", "patch", "delete"):
            if method in item:
                found.add((method, _norm(path)))
    return found


def _norm(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.split("?", 1)[0])


def cause_of(o: Outcome, official: dict[str, Any], served: set[tuple[str, str]]) -> str:
    rec = o.record
    http = (official.get(o.key) or {}).get("http")
    typ, msg = rec.get("type", ""), rec.get("message", "")
    outside = http is not None and (http[0], _norm(http[1])) not in served
    if outside and (typ == "AttributeError" or rec.get("status") == 404 or typ == "TypeError"):
        return "endpoint outside the served spec"
    if typ == "AttributeError" and "has no attribute" in msg:
        owner = re.match(r"'(\w+)' object", msg)
        if owner and re.search(r"(Response|Stream|Page|Content)$", owner.group(1)):
            return "missing wrapper attribute"
        return "missing method"
    if typ == "TypeError" and ("unexpected keyword" in msg or "required" in msg or "positional" in msg):
        return "missing parameter"
    if typ == "AssertionError" and rec.get("when") == "call":
        return "wrong type"
    if typ == "Failed" and "DID NOT WARN" in msg:
        return "missing deprecation warning"
    if rec.get("status") is not None and rec.get("module", "").startswith("trio_openai"):
        return "Steady rejection"
    return "other"


def _short(o: Outcome) -> str:
    rec = o.record
    msg = " ".join(str(rec.get("message", "")).split())
    status = f" {rec['status']}" if rec.get("status") is not None else ""
    return f"{rec.get('type', '?')}{status}: {msg[:160]}"


def render_report(outcomes: list[Outcome], official: dict[str, Any], served: set[tuple[str, str]]) -> str:
    lines: list[str] = []
    per_group: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        per_group[o.group].append(o)
    top: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        segs = o.group.split(".")
        head = ".".join(segs[:2]) if segs[0] in ("beta", "admin", "realtime") else segs[0]
        if head == "admin.organization" and len(segs) > 2:
            head = ".".join(segs[:3])
        top[head].append(o)
    total = len(outcomes)
    passed = sum(o.passed for o in outcomes)
    lines.append(f"TOTAL {passed}/{total} passed ({100 * passed / max(total, 1):.1f}%)")
    lines.append("")
    lines.append("per group:")
    for name in sorted(top):
        group = top[name]
        p = sum(o.passed for o in group)
        lines.append(f"  {name:45s} {p:5d}/{len(group):<5d} {100 * p / len(group):5.1f}%")
    lines.append("")
    lines.append("per resource:")
    for name in sorted(per_group):
        group = per_group[name]
        p = sum(o.passed for o in group)
        lines.append(f"  {name:55s} {p:4d}/{len(group):<4d}")
    failures = [o for o in outcomes if not o.passed]
    by_cause: dict[str, list[Outcome]] = defaultdict(list)
    for o in failures:
        by_cause[cause_of(o, official, served)].append(o)
    lines.append("")
    lines.append("failures by cause: " + ", ".join(f"{c}: {len(by_cause[c])}" for c in CAUSES if by_cause[c]))
    for cause in CAUSES:
        items = by_cause[cause]
        if not items:
            continue
        lines.append("")
        lines.append(f"== {cause} ({len(items)} tests)")
        methods: dict[str, list[Outcome]] = defaultdict(list)
        for o in items:
            methods[o.key].append(o)
        for key in sorted(methods):
            reasons = Counter(_short(o) for o in methods[key])
            reason, _ = reasons.most_common(1)[0]
            lines.append(f"  {key} ({len(methods[key])}): {reason}")
    return "\n".join(lines)
