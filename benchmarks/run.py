"""Runs the whole side-by-side suite and writes docs/benchmarks.md and docs/benchmarks.png.

    python benchmarks/run.py [--quick] [--repeats N] [--passes N] [--clients a,b] [--scenarios x,y]

Use `bash benchmarks/run.sh`, which installs what is missing first. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE))

import report  # noqa: E402
from nginx_server import running_nginx  # noqa: E402
from scenarios import CLIENTS, PAGE_DELAY, PASSES, SCENARIOS, Client, Scenario  # noqa: E402
from servers import running_delay_server, wrk_ceiling  # noqa: E402

_REPO = _HERE.parent
_CHILD_TIMEOUT = 240


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # Let children cache bytecode like an installed package would, so cold runs time imports, not compiles.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_LOG", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        env.pop(var, None)
    env["PYTHONHASHSEED"] = "0"
    return env


def _run_child(job: dict[str, Any]) -> dict[str, Any]:
    cmd = [sys.executable, str(_HERE / "child.py"), json.dumps(job)]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=_CHILD_TIMEOUT, env=_child_env(), cwd=_REPO
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {_CHILD_TIMEOUT} s"}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"error": f"child exited with {proc.returncode}: {' | '.join(tail)}"[:300]}


def _tls_files(data: Path) -> tuple[Path, Path]:
    """A trustme CA and a certificate for 127.0.0.1 (the server's PEM), and a CA bundle for the clients:
    the system's CAs plus the test CA, so a client that loads it pays what it pays for a usual bundle."""
    import ssl

    import trustme

    ca = trustme.CA()
    cert = data / "tls" / "server.pem"
    cert.parent.mkdir()
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(str(cert))
    bundle = data / "tls" / "ca-bundle.pem"
    system = ssl.get_default_verify_paths().openssl_cafile
    with open(bundle, "wb") as out:
        if system and os.path.isfile(system):
            out.write(Path(system).read_bytes())
        out.write(ca.cert_pem.bytes())
    return cert, bundle


def _versions() -> dict[str, str]:
    from importlib import metadata

    out = {"python": platform.python_version()}
    for dist in ("trio", "httpcore2", "msgspec", "openai", "httpx2", "pydantic", "anyio"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    try:
        sys.path.insert(0, str(_REPO))
        from trio_openai._version import __version__  # type: ignore[import-not-found]

        out["trio_openai"] = str(__version__)
    except Exception as exc:
        out["trio_openai"] = f"n/a ({type(exc).__name__})"
    for tool, flag in (("nginx", "-v"), ("wrk", "-v")):
        try:
            res = subprocess.run([tool, flag], capture_output=True, text=True, timeout=10)
            text = (res.stderr + res.stdout).strip().splitlines()[0]
            out[tool] = text.split("/")[-1].split(" ")[0] if tool == "nginx" else text.split(" ")[1]
        except (OSError, IndexError, subprocess.SubprocessError):
            out[tool] = "?"
    return out


def _machine() -> dict[str, str]:
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": str(os.cpu_count()),
        "os": f"{platform.system()} {platform.release()}",
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


class Plan:
    """How much of each scenario to run: ``quick`` picks the smaller operation counts and repeats;
    ``repeats`` (timed rounds per process for loop scenarios, fresh processes for cold and memory ones)
    and ``passes`` (rounds over the clients for loop scenarios), when given, override the scenario's."""

    def __init__(self, quick: bool = False, repeats: int | None = None, passes: int | None = None) -> None:
        self.quick = quick
        self.repeats_override = repeats
        self.passes = passes if passes is not None else (1 if quick else PASSES)

    def repeats(self, scen: Scenario) -> int:
        if self.repeats_override is not None:
            return self.repeats_override
        return scen.quick_repeats if self.quick else scen.repeats


def _loop_job(client: Client, scen: Scenario, plan: Plan, common: dict[str, Any]) -> dict[str, Any]:
    return {
        **common,
        "client": client.key,
        "scenario": scen.key,
        "count": scen.quick_count if plan.quick else scen.count,
        "repeats": plan.repeats(scen),
        "warmup": not (plan.quick and scen.op == "files_work"),
    }


def _summarise(values: list[float]) -> dict[str, Any]:
    return {"values": values, "median": statistics.median(values), "min": min(values), "max": max(values)}


def _run_cold(
    client: Client, repeats: int, common: dict[str, Any], key: str = "import"
) -> tuple[dict[str, Any], dict[str, Any]]:
    job = {**common, "client": client.key, "scenario": key}
    first_try = _run_child(job)  # also writes bytecode caches; not counted
    if "error" in first_try:
        return first_try, first_try
    runs = [_run_child(job) for _ in range(repeats)]
    errors = [r for r in runs if "error" in r]
    if errors:
        return errors[0], errors[0]
    return _summarise([r["import_ms"] for r in runs]), _summarise([r["first_ms"] for r in runs])


def _run_mem(client: Client, scen: Scenario, repeats: int, common: dict[str, Any]) -> dict[str, Any]:
    runs = [_run_child({**common, "client": client.key, "scenario": scen.key}) for _ in range(repeats)]
    errors = [r for r in runs if "error" in r]
    if errors:
        return errors[0]
    out = _summarise([r["value"] for r in runs])
    out["peak_reset"] = all(r.get("peak_reset") for r in runs)
    out["source"] = sorted({r.get("source", "?") for r in runs})
    return out


def _measure(
    scen: Scenario,
    clients: list[Client],
    plan: Plan,
    common: dict[str, Any],
    results: dict[str, dict[str, dict[str, Any]]],
) -> None:
    """Runs one scenario for every client and stores the summaries in `results`.

    Timed loops run in PASSES rounds over the clients (one fresh process each), so a burst of other
    work on the machine is spread over all clients instead of landing on one.
    """
    repeats = plan.repeats(scen)
    if scen.mode == "loop":
        values: dict[str, list[float]] = {c.key: [] for c in clients}
        cpu: dict[str, list[float]] = {c.key: [] for c in clients}
        for _ in range(plan.passes):
            for client in clients:
                if "error" in results[scen.key].get(client.key, {}):
                    continue
                raw = _run_child(_loop_job(client, scen, plan, common))
                if "error" in raw:
                    results[scen.key][client.key] = raw
                else:
                    values[client.key] += raw["values"]
                    cpu[client.key] += raw["cpu_us"]
        for key, vals in values.items():
            if vals and "error" not in results[scen.key].get(key, {}):
                results[scen.key][key] = _summarise(vals)
                results[scen.key][key]["cpu_us"] = statistics.median(cpu[key])
    for client in clients:
        if scen.mode == "cold":
            imp, first = _run_cold(client, repeats, common, "first_tls" if scen.tls else "import")
            results[scen.key][client.key] = imp if scen.key == "import" else first
            if scen.key == "import" and "first" in results:
                results["first"][client.key] = first
        elif scen.mode == "mem":
            results[scen.key][client.key] = _run_mem(client, scen, repeats, common)
        print(f"{scen.key:14} {client.key:17} {_fmt(results[scen.key][client.key], scen.unit)}", flush=True)
        if scen.key == "import" and "first" in results:
            print(f"{'first':14} {client.key:17} {_fmt(results['first'][client.key], 'ms')}", flush=True)


def _fmt(result: dict[str, Any], unit: str) -> str:
    if "error" in result:
        return f"n/a ({result['error'][:120]})"
    text = f"{result['median']:.4g} {unit}  [{result['min']:.4g} .. {result['max']:.4g}]"
    if "cpu_us" in result:
        text += f"  cpu {result['cpu_us']:.4g} us/op"
    return text


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer operations and repeats: a smoke run")
    parser.add_argument(
        "--repeats",
        type=_positive,
        help="timed rounds per process (loop scenarios) and fresh processes (cold and memory scenarios),"
        " instead of each scenario's own; the operations per round stay as they are",
    )
    parser.add_argument(
        "--passes",
        type=_positive,
        help=f"rounds over the clients for loop scenarios (default {PASSES}, 1 with --quick)",
    )
    parser.add_argument("--clients", help="comma-separated client keys (default: all)")
    parser.add_argument("--scenarios", help="comma-separated scenario keys (default: all)")
    parser.add_argument("--out", default=str(_REPO / "docs" / "benchmarks.md"))
    parser.add_argument("--png", default=str(_REPO / "docs" / "benchmarks.png"))
    parser.add_argument("--json", default=str(_HERE / ".out" / "results.json"))
    args = parser.parse_args()
    plan = Plan(args.quick, args.repeats, args.passes)
    # A SIGTERM (a CI time limit, say) unwinds like Ctrl-C, so the servers are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    clients = [c for c in CLIENTS if not args.clients or c.key in args.clients.split(",")]
    scenarios = [s for s in SCENARIOS if not args.scenarios or s.key in args.scenarios.split(",")]
    started = time.monotonic()
    machine, versions = _machine(), _versions()
    print(f"machine: {machine}\nversions: {versions}", flush=True)
    results: dict[str, dict[str, dict[str, Any]]] = {s.key: {} for s in scenarios}
    ceiling: list[dict[str, Any]] = []

    data = Path(tempfile.mkdtemp(prefix="bench-data-"))
    try:
        os.chmod(data, 0o755)  # nginx's worker may run as another user
        # In a child process: keeps this parent small, as its peak RSS leaks into children's ru_maxrss.
        subprocess.run(
            [sys.executable, str(_HERE / "gen_data.py"), str(data)], check=True, capture_output=True
        )
        meta = json.loads((data / "meta.json").read_text())
        print(f"canned data in {data}: {meta['sizes']}", flush=True)
        cert, ca_bundle = _tls_files(data)
        with (
            running_nginx(data) as base,
            running_nginx(data, tls_cert=cert) as tls_base,
            running_delay_server(data, PAGE_DELAY) as delay_base,
        ):
            print(f"nginx at {base} and {tls_base}, delay server at {delay_base}", flush=True)
            for conns in (1, 64):
                ceiling.append(wrk_ceiling(base, connections=conns, seconds=2 if args.quick else 4))
                print(f"wrk ceiling, small POST, {conns} connection(s): {ceiling[-1]}", flush=True)
            common = {
                "base": base,
                "tls_base": tls_base,
                "tls_ca": str(ca_bundle),
                "delay_base": delay_base,
                "meta": str(data / "meta.json"),
            }
            for scen in scenarios:
                if scen.key == "first" and "import" in results:
                    continue  # filled in with "import": the same processes give both
                _measure(scen, clients, plan, common, results)
    finally:
        shutil.rmtree(data, ignore_errors=True)

    machine["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    elapsed = time.monotonic() - started
    doc = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": args.quick,
        "repeats": args.repeats,
        "passes": plan.passes,
        "command": " ".join(["python benchmarks/run.py", *sys.argv[1:]]),
        "elapsed_s": round(elapsed, 1),
        "machine": machine,
        "versions": versions,
        "ceiling": ceiling,
        "clients": [c.__dict__ for c in clients],
        "scenarios": [s.__dict__ for s in scenarios],
        "results": results,
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(doc, indent=1))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(report.markdown(doc, png_name=Path(args.png).name))
    try:
        report.chart(doc, Path(args.png))
    except ImportError as exc:  # matplotlib comes with setup.sh; the tables stand without the chart
        print(f"no chart ({exc}); install benchmarks/requirements.txt for it", flush=True)
        wrote = f"{args.out} and {args.json}"
    else:
        wrote = f"{args.out}, {args.png} and {args.json}"
    print(report.headline(doc))
    print(f"wrote {wrote} in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
