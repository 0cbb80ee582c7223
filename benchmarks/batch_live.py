"""Live bulk runs: 10,000 small chat requests against the loopback fake server.

    .venv/bin/python benchmarks/batch_live.py [--requests 10000] [--concurrency 64]

Two clients on the same input, each in its own child process (CPU is that process's own, the
server runs in another one):

* ``trio_openai``: ``trio_openai.batch.run_file_live`` (what ``trio-openai batch run`` does), once
  paced only by concurrency and once with request and token buckets set far above what is reached
  (so the limiter's own cost is in the figure).
* ``cookbook``: the OpenAI Cookbook's parallel request processor
  (``api_request_parallel_processor.py``), re-implemented here from its published description:
  one asyncio loop that reads one request per iteration, refills request/token capacity from the
  elapsed time, fires each request as a fire-and-forget task on an aiohttp session, sleeps 1 ms per
  iteration, puts failed requests on a retry queue, pauses 15 s after a rate-limit error and appends
  each result to a JSONL file. Token counting uses characters / 4 where the original uses tiktoken
  (which downloads its tables). Needs ``aiohttp`` (benchmark-only).

Figures: requests per second (wall, noisy on a busy machine) and client CPU per request (steadier).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SERVER = """
import sys, time
from trio_openai.testing import FakeServerThread
with FakeServerThread(rate_limit_requests=100_000_000, rate_limit_tokens=1_000_000_000) as server:
    print(server.base_url, flush=True)
    sys.stdin.read()
"""


def _write_inputs(directory: Path, count: int) -> tuple[Path, Path]:
    batch = directory / "batch.jsonl"
    bodies = directory / "bodies.jsonl"
    with batch.open("w") as b, bodies.open("w") as c:
        for i in range(count):
            body = {
                "model": "gpt-4o-mini",
                "messages": [{"role": "user", "content": f"say {i}"}],
                "max_tokens": 5,
            }
            b.write(
                json.dumps(
                    {"custom_id": f"r{i}", "method": "POST", "url": "/v1/chat/completions", "body": body}
                )
                + "\n"
            )
            c.write(json.dumps({**body, "metadata": {"row_id": i}}) + "\n")
    return batch, bodies


# --- the clients, each run in a child process: print {"wall", "cpu", "ok"} ------------------------------


def run_trio_openai(
    base_url: str, source: str, output: str, concurrency: int, limits: bool
) -> dict[str, float]:
    import trio

    from trio_openai import AsyncOpenAI
    from trio_openai.batch import run_file_live

    async def main() -> int:
        async with AsyncOpenAI(base_url=base_url, api_key="sk-bench") as client:
            extra = {"max_requests_per_minute": 1e8, "max_tokens_per_minute": 1e10} if limits else {}
            report = await run_file_live(client, source, output, concurrency=concurrency, **extra)
            return report.succeeded

    wall, cpu = time.perf_counter(), time.process_time()
    ok = trio.run(main)
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "ok": ok}


def run_cookbook(base_url: str, source: str, output: str, concurrency: int, limits: bool) -> dict[str, float]:
    import asyncio
    from dataclasses import dataclass, field

    import aiohttp

    @dataclass
    class StatusTracker:
        num_tasks_started: int = 0
        num_tasks_in_progress: int = 0
        num_tasks_succeeded: int = 0
        num_tasks_failed: int = 0
        num_rate_limit_errors: int = 0
        num_api_errors: int = 0
        num_other_errors: int = 0
        time_of_last_rate_limit_error: float = 0

    def append_to_jsonl(data: object, filename: str) -> None:
        with open(filename, "a") as file:
            file.write(json.dumps(data) + "\n")

    def tokens_of(request_json: dict[str, object]) -> int:
        messages = request_json.get("messages") or []
        text = sum(len(str(m.get("content", ""))) for m in messages)  # type: ignore[union-attr]
        return (
            text // 4
            + 4 * len(messages)
            + 2
            + int(request_json.get("max_tokens", 15)) * int(request_json.get("n", 1))
        )  # type: ignore[arg-type]

    @dataclass
    class APIRequest:
        task_id: int
        request_json: dict[str, object]
        token_consumption: int
        attempts_left: int
        metadata: object
        result: list[object] = field(default_factory=list)

        async def call_api(
            self, session, request_url, request_header, retry_queue, save_filepath, status_tracker
        ):  # type: ignore[no-untyped-def]
            error = None
            try:
                async with session.post(
                    url=request_url, headers=request_header, json=self.request_json
                ) as response:
                    response = await response.json()
                if "error" in response:
                    status_tracker.num_api_errors += 1
                    error = response
                    if "rate limit" in response["error"].get("message", "").lower():
                        status_tracker.time_of_last_rate_limit_error = time.time()
                        status_tracker.num_rate_limit_errors += 1
                        status_tracker.num_api_errors -= 1
            except Exception as e:  # the original catches everything too
                status_tracker.num_other_errors += 1
                error = e
            if error:
                self.result.append(error)
                if self.attempts_left:
                    retry_queue.put_nowait(self)
                else:
                    append_to_jsonl(
                        [self.request_json, [str(e) for e in self.result], self.metadata], save_filepath
                    )
                    status_tracker.num_tasks_in_progress -= 1
                    status_tracker.num_tasks_failed += 1
            else:
                append_to_jsonl([self.request_json, response, self.metadata], save_filepath)
                status_tracker.num_tasks_in_progress -= 1
                status_tracker.num_tasks_succeeded += 1

    async def process(
        requests_filepath: str,
        save_filepath: str,
        request_url: str,
        max_rpm: float,
        max_tpm: float,
        max_attempts: int,
    ) -> StatusTracker:
        seconds_to_pause_after_rate_limit_error = 15
        seconds_to_sleep_each_loop = 0.001
        request_header = {"Authorization": "Bearer sk-bench"}
        queue_of_requests_to_retry: asyncio.Queue[APIRequest] = asyncio.Queue()
        task_ids = iter(range(1 << 62))
        status_tracker = StatusTracker()
        next_request: APIRequest | None = None
        available_request_capacity = max_rpm
        available_token_capacity = max_tpm
        last_update_time = time.time()
        file_not_finished = True
        tasks: set[asyncio.Task[None]] = set()
        async with aiohttp.ClientSession() as session:
            with open(requests_filepath) as file:
                requests = iter(file)
                while True:
                    if next_request is None:
                        if not queue_of_requests_to_retry.empty():
                            next_request = queue_of_requests_to_retry.get_nowait()
                        elif file_not_finished:
                            try:
                                request_json = json.loads(next(requests))
                                next_request = APIRequest(
                                    task_id=next(task_ids),
                                    request_json=request_json,
                                    token_consumption=tokens_of(request_json),
                                    attempts_left=max_attempts,
                                    metadata=request_json.pop("metadata", None),
                                )
                                status_tracker.num_tasks_started += 1
                                status_tracker.num_tasks_in_progress += 1
                            except StopIteration:
                                file_not_finished = False
                    current_time = time.time()
                    seconds_since_update = current_time - last_update_time
                    available_request_capacity = min(
                        available_request_capacity + max_rpm * seconds_since_update / 60.0, max_rpm
                    )
                    available_token_capacity = min(
                        available_token_capacity + max_tpm * seconds_since_update / 60.0, max_tpm
                    )
                    last_update_time = current_time
                    if next_request:
                        if (
                            available_request_capacity >= 1
                            and available_token_capacity >= next_request.token_consumption
                        ):
                            available_request_capacity -= 1
                            available_token_capacity -= next_request.token_consumption
                            next_request.attempts_left -= 1
                            task = asyncio.create_task(
                                next_request.call_api(
                                    session,
                                    request_url,
                                    request_header,
                                    queue_of_requests_to_retry,
                                    save_filepath,
                                    status_tracker,
                                )
                            )
                            tasks.add(task)
                            task.add_done_callback(tasks.discard)
                            next_request = None
                    if status_tracker.num_tasks_in_progress == 0:
                        break
                    await asyncio.sleep(seconds_to_sleep_each_loop)
                    since_error = time.time() - status_tracker.time_of_last_rate_limit_error
                    if since_error < seconds_to_pause_after_rate_limit_error:
                        await asyncio.sleep(seconds_to_pause_after_rate_limit_error - since_error)
        return status_tracker

    # The cookbook's defaults are 1,500 requests and 125,000 tokens per minute; here both are set far
    # above what is reached, as for trio_openai, so the figures compare the machinery, not the limits.
    wall, cpu = time.perf_counter(), time.process_time()
    tracker = asyncio.run(process(source, output, base_url + "/chat/completions", 1e8, 1e10, 5))
    return {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "ok": tracker.num_tasks_succeeded,
    }


CLIENTS = {
    "trio_openai": (run_trio_openai, False),
    "trio_openai+limits": (run_trio_openai, True),
    "cookbook": (run_cookbook, True),
}


def _child(name: str, base_url: str, source: str, output: str, concurrency: int) -> None:
    function, limits = CLIENTS[name]
    print(json.dumps(function(base_url, source, output, concurrency, limits)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, base_url, source, output = args.child
        _child(name, base_url, source, output, args.concurrency)
        return
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as scratch:
        batch, bodies = _write_inputs(Path(scratch), args.requests)
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        try:
            assert server.stdout is not None
            base_url = server.stdout.readline().strip()
            print(
                f"{args.requests} chat requests, loopback fake server, concurrency {args.concurrency} (trio_openai)"
            )
            print(f"{'client':<20} {'req/s':>8} {'CPU us/req':>11} {'ok':>7}")
            for name in CLIENTS:
                source = bodies if name == "cookbook" else batch
                output = Path(scratch) / f"{name}.out.jsonl"
                done = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--concurrency",
                        str(args.concurrency),
                        "--child",
                        name,
                        base_url,
                        str(source),
                        str(output),
                    ],
                    capture_output=True,
                    text=True,
                    env=env,
                    check=False,
                    timeout=900,
                )
                if done.returncode != 0:
                    print(f"{name:<20} failed: {done.stderr.strip().splitlines()[-1:]}")
                    continue
                figures = json.loads(done.stdout.strip().splitlines()[-1])
                ok = int(figures["ok"])
                print(
                    f"{name:<20} {ok / figures['wall']:>8.0f} {1e6 * figures['cpu'] / max(ok, 1):>11.0f} {ok:>7}"
                )
        finally:
            assert server.stdin is not None
            server.stdin.close()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
