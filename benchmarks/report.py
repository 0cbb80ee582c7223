"""Turns the results document written by run.py into markdown and a bar chart of the ratios.

Re-render without measuring again: python benchmarks/report.py benchmarks/.out/results.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from scenarios import FLOOR, PASSES, REFERENCE, floor_of

_OFFICIAL = "openai_trio"


def relative(doc: dict[str, Any], scen_key: str, client: str, ref: str) -> float | None:
    """How many times better `client` does than `ref` (>1: better). None when either is missing."""
    res = doc["results"].get(scen_key, {})
    a, b = res.get(client, {}), res.get(ref, {})
    if "median" not in a or "median" not in b or a["median"] <= 0 or b["median"] <= 0:
        return None
    scen = next(s for s in doc["scenarios"] if s["key"] == scen_key)
    return a["median"] / b["median"] if scen["higher_is_better"] else b["median"] / a["median"]


def _num(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _cpu(res: dict[str, Any], unit: str) -> str:
    if "cpu_us" not in res:
        return ""
    us = res["cpu_us"]
    return f"{_num(us / 1000)} ms" if unit == "ms" else f"{_num(us)} us"


def cpu_relative(doc: dict[str, Any], scen_key: str, client: str, ref: str) -> float | None:
    """Like `relative`, on the client's CPU time per operation (ref / client)."""
    res = doc["results"].get(scen_key, {})
    a, b = res.get(client, {}).get("cpu_us"), res.get(ref, {}).get("cpu_us")
    return None if not a or not b else b / a


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}x"


def headline(doc: dict[str, Any]) -> str:
    """One line per scenario: how far the floor is ahead of the official async client under trio."""
    lines = [
        "Floor vs official openai AsyncOpenAI under trio: times better on the figure (ms and MiB rows:",
        "official / floor) and on client CPU time per operation.",
        f"  {'':55} {'figure':>8} {'CPU':>8}",
    ]
    for scen in doc["scenarios"]:
        r = relative(doc, scen["key"], FLOOR, _OFFICIAL)
        c = cpu_relative(doc, scen["key"], FLOOR, _OFFICIAL)
        lines.append(f"  {scen['title']:55} {_ratio(r):>8} {'' if c is None else _ratio(c):>8}")
    return "\n".join(lines)


def _plan_note(doc: dict[str, Any]) -> str:
    """How many rounds this run used when `--repeats` / `--passes` changed them (older results lack both)."""
    parts = []
    if doc.get("repeats"):
        parts.append(f"{doc['repeats']} repeat{'s' if doc['repeats'] > 1 else ''} per scenario")
    passes = doc.get("passes")
    if passes is not None and passes != (1 if doc["quick"] else PASSES):
        parts.append(f"{passes} pass{'es' if passes > 1 else ''}")
    return f" ({', '.join(parts)})" if parts else ""


def markdown(doc: dict[str, Any], *, png_name: str) -> str:
    labels = {c["key"]: c["label"] for c in doc["clients"]}
    m, v = doc["machine"], doc["versions"]
    out = [
        "# Benchmarks: trio_openai beside the official SDK",
        "",
        f"Measured {doc['date']} on {m['cpu']} ({m['cores']} cores), {m['os']}"
        f"{' (quick smoke run: few repeats, noisy)' if doc['quick'] else ''}"
        f"{_plan_note(doc)}; the run took {doc['elapsed_s']:.0f} s.",
        f"Load average before / after: {m['load_before']} / {m['load_after']} (other work on the machine adds noise).",
        "",
        "Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".",
        "",
        "Every client runs in its own process pinned to core 0 (`taskset -c 0`); nginx (one worker) and the",
        "delay server are pinned to core 1. Each figure is the median of several timed rounds after a warm-up",
        "round (cold-start and memory figures: the median over fresh processes). Reproduce with",
        "`bash benchmarks/run.sh`; method and caveats are in `benchmarks/README.md`.",
        f"This run: `{doc.get('command', 'bash benchmarks/run.sh')}`.",
        "The `HTTPS:` rows talk to a second nginx serving TLS on loopback (a trustme certificate; clients",
        "trust it through `SSL_CERT_FILE`, a bundle of the system's CAs plus the test CA).",
        "",
        "## The server's own ceiling",
        "",
        "`wrk -t1` pinned to core 0, POSTing the small chat request to nginx:",
        "",
        "| connections | req/s | mean latency |",
        "|---:|---:|---:|",
    ]
    for row in doc["ceiling"]:
        out.append(f"| {row['connections']} | {row['rps']:,.0f} | {row['latency_ms']:.3f} ms |")
    out += [
        "",
        "## Results",
        "",
        "The ratio columns give how many times better a client does than the reference: for req/s and",
        "chunks/s it is client / reference, for ms and MiB reference / client. Above 1 is better than the",
        "reference. `n/a`: the client failed to import or run that scenario (reasons below).",
        "The CPU column is the client process's own CPU time (`time.process_time`) per request, per chunk",
        "or (for ms rows) per operation: it leaves out the server and anything else running on the machine,",
        "so it is the steadier figure when the machine is busy.",
        "",
        f"![ratios]({png_name})",
        "",
        "| Scenario | Client | Median | Range | CPU | vs trio_openai | vs floor |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    failures: dict[tuple[str, str], list[str]] = {}
    for scen in doc["scenarios"]:
        first = True
        for client in doc["clients"]:
            key = client["key"]
            res = doc["results"].get(scen["key"], {}).get(key)
            if res is None:
                continue
            title = f"{scen['title']} ({scen['unit']})" if first else ""
            first = False
            if "error" in res:
                out.append(f"| {title} | {labels[key]} | n/a | | | n/a | n/a |")
                failures.setdefault((labels[key], res["error"]), []).append(scen["title"])
                continue
            ref = relative(doc, scen["key"], key, REFERENCE)
            # Blocking clients against the blocking floor when it ran, else the trio one.
            floor = relative(doc, scen["key"], key, floor_of(client.get("kind", "trio")))
            if floor is None:
                floor = relative(doc, scen["key"], key, FLOOR)
            out.append(
                f"| {title} | {labels[key]} | {_num(res['median'])} | {_num(res['min'])} - {_num(res['max'])}"
                f" | {_cpu(res, scen['unit'])} | {_ratio(ref)} | {_ratio(floor)} |"
            )
    out += ["", "## Floor vs the official async client under trio", "", "```", headline(doc), "```", ""]
    if failures:
        out += ["## Not measured", ""]
        for (label, error), titles in failures.items():
            where = "every scenario" if len(titles) == len(doc["scenarios"]) else ", ".join(titles)
            out.append(f"- {label}, {where}: `{error}`")
        out.append("")
    return "\n".join(out)


def chart(doc: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scens = doc["scenarios"]
    palette = plt.get_cmap("tab10")
    colours = {c["key"]: palette(i) for i, c in enumerate(doc["clients"])}
    refs = [(FLOOR, "the bare floor"), (REFERENCE, "trio_openai AsyncOpenAI")]
    fig, axes = plt.subplots(1, 2, figsize=(15, 0.5 * len(scens) + 2.5), sharey=True)
    labels = [f"{s['title']} ({s['unit']})" for s in scens]
    for ax, (ref, ref_label) in zip(axes, refs, strict=True):
        others = [c for c in doc["clients"] if c["key"] != ref]
        height = 0.8 / max(1, len(others))
        plotted = False
        for i, client in enumerate(others):
            ys: list[float] = []
            xs: list[float] = []
            for j, scen in enumerate(scens):
                r = relative(doc, scen["key"], client["key"], ref)
                if r is not None:
                    ys.append(j + (i - (len(others) - 1) / 2) * height)
                    xs.append(r)
            if xs:
                ax.barh(ys, xs, height=height, label=client["label"], color=colours[client["key"]])
                plotted = True
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_title(f"times better than {ref_label}\n(log scale; right of the line: better)", fontsize=10)
        ax.grid(axis="x", which="both", alpha=0.3)
        if not plotted:
            ax.text(0.5, 0.5, f"{ref_label}: n/a", transform=ax.transAxes, ha="center", va="center")
    axes[0].set_yticks(range(len(scens)), labels)
    axes[0].set_ylim(len(scens) - 0.5, -0.5)  # first scenario on top (the axis is shared)
    fig.suptitle(
        f"trio_openai benchmarks, {doc['date']}, {doc['machine']['cpu']} ({doc['machine']['cores']} cores)"
    )
    handles = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    fig.legend(list(handles.values()), list(handles), loc="lower center", ncol=3, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


if __name__ == "__main__":
    _doc = json.loads(Path(sys.argv[1]).read_text())
    _docs = Path(__file__).resolve().parent.parent / "docs"
    (_docs / "benchmarks.md").write_text(markdown(_doc, png_name="benchmarks.png"))
    chart(_doc, _docs / "benchmarks.png")
    print(headline(_doc))
