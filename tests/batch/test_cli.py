"""The ``trio-openai`` command line in subprocesses: exit statuses, errors as one line, and
resume after a real ``kill -9`` at random moments of a live run and of an API run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from trio_openai._cli import main
from trio_openai.testing import FakeServerThread

from ._util import chat_line, recorded, write_input

ROOT = Path(__file__).resolve().parents[2]


def _env(server: FakeServerThread) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env.update(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test-cli", PYTHONPATH=str(ROOT))
    return env


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "trio_openai", *args]


def _run(server: FakeServerThread, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(*args), env=_env(server), capture_output=True, text=True, timeout=timeout, check=False
    )


class Cli:
    """``trio-openai`` run in this process (``main(argv)``), with the server's environment."""

    def __init__(
        self, server: FakeServerThread, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-cli")
        self._capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        status = main(list(args))
        captured = self._capsys.readouterr()
        return status, captured.out, captured.err


def test_exit_statuses_and_one_line_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_input(tmp_path / "good.jsonl", [chat_line(f"r{i}") for i in range(5)])
    mixed = write_input(
        tmp_path / "mixed.jsonl",
        [chat_line("ok"), {**chat_line("bad"), "body": {"model": "m", "messages": []}}],
    )
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(chat_line("a")) + "\n" + json.dumps(chat_line("a")) + "\n")
    with FakeServerThread() as server:
        cli = Cli(server, monkeypatch, capsys)
        status, _, err = cli("batch", "run", str(good), "-o", str(tmp_path / "g.jsonl"), "--no-progress")
        assert status == 0 and "5 succeeded, 0 failed of 5" in err
        status, _, err = cli("batch", "run", str(mixed), "-o", str(tmp_path / "m.jsonl"))
        assert status == 1 and "1 failed" in err
        assert "trio-openai: 2/2 done, 1 failed" in err  # plain progress lines when stderr is no terminal
        before = len(server.requests)
        status, _, err = cli("batch", "run", str(broken), "-o", str(tmp_path / "b.jsonl"))
        assert status == 2
        assert err.strip().splitlines() == [
            f"trio-openai: error: {broken}:2: duplicate custom_id 'a' (first on line 1)"
        ]
        assert len(server.requests) == before  # reported before any request
        status, _, err = cli("api", "models.retrieve", "--json", '{"model": "nope"}')
        assert (
            status == 1 and len(err.strip().splitlines()) == 1 and "404" in err and "sk-test-cli" not in err
        )
        status, _, err = cli("api", "models._client")
        assert status == 2 and "not a client method" in err
        assert cli("chat", "hello there")[:2] == (0, "Echo: hello there\n")
        status, out, _ = cli("api", "models.list")
        assert [json.loads(line)["id"] for line in out.splitlines()][:2] == ["gpt-4o", "gpt-4o-mini"]
        upload = tmp_path / "up.txt"
        upload.write_text("some bytes")
        status, out, _ = cli("files", "upload", str(upload), "--purpose", "user_data")
        file_id = out.strip()
        assert status == 0 and file_id.startswith("file-")
        assert cli("files", "download", file_id)[1] == "some bytes"
        assert file_id in cli("files", "list")[1]
        assert cli("files", "delete", file_id)[:2] == (0, f"{file_id}\tdeleted\n")
        status, _, err = cli("files", "download", file_id)
        assert status == 1 and "404" in err
        assert cli("models", "list")[1].splitlines()[0] == "gpt-4o"
    helped = subprocess.run(
        _command("batch", "run", "--help"), capture_output=True, text=True, check=False, timeout=60
    )
    assert helped.returncode == 0 and "rerun" in helped.stdout.lower()


def _kill_at_random(command: list[str], env: dict[str, str], rng: random.Random, kills: int) -> None:
    for _ in range(kills):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 1.5))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _check_exactly_once(output: Path, ids: set[str]) -> None:
    ok, bad = recorded(output)
    assert not bad
    assert set(ok) == ids and set(ok.values()) == {1}
    for line in output.read_text().splitlines():
        parsed = json.loads(line)
        answer = parsed["response"]["body"]["choices"][0]["message"]["content"]
        assert answer == f"Echo: question {parsed['custom_id']}"  # each answer is its own request's


def test_live_run_resumes_after_kill_9_at_random_moments(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    ids = [f"q{i}" for i in range(240)]
    source = write_input(tmp_path / "in.jsonl", [chat_line(i, f"question {i}") for i in ids])
    output = tmp_path / "out.jsonl"
    args = ["batch", "run", str(source), "-o", str(output), "--concurrency", "6", "--no-progress"]
    with FakeServerThread(latency=0.01) as server:
        _kill_at_random(_command(*args), _env(server), rng, kills=2)
        final = _run(server, *args)
        assert final.returncode == 0, (seed, final.stderr)
        _check_exactly_once(output, set(ids))
        keys: dict[str, set[str]] = {}
        for request in server.requests_to("POST", "/chat/completions"):
            keys.setdefault(request.json()["messages"][0]["content"], set()).add(
                request.headers["idempotency-key"]
            )
        assert all(len(sent) == 1 for sent in keys.values()), seed  # a re-sent request kept its key


def test_api_run_resumes_after_kill_9_at_random_moments(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    ids = [f"q{i}" for i in range(90)]
    source = write_input(tmp_path / "in.jsonl", [chat_line(i, f"question {i}") for i in ids])
    output = tmp_path / "out.jsonl"
    args = [
        "batch",
        "run",
        str(source),
        "-o",
        str(output),
        "--mode",
        "api",
        "--max-batch-requests",
        "20",
        "--poll-interval",
        "0.05",
        "--no-progress",
    ]
    with FakeServerThread() as server:
        for _ in range(5):
            server.plan_batch(polls=4)
        _kill_at_random(_command(*args), _env(server), rng, kills=2)
        final = _run(server, *args)
        assert final.returncode == 0, (seed, final.stderr)
        _check_exactly_once(output, set(ids))
        files = server.uploaded_files
        submitted: Counter[str] = Counter()
        for request in server.requests_to("POST", "/batches"):
            for line in files[request.json()["input_file_id"]].splitlines():
                submitted[json.loads(line)["custom_id"]] += 1
        assert set(submitted) == set(ids) and set(submitted.values()) == {1}, seed  # never submitted twice


def test_import_trio_openai_does_not_load_the_batch_package_or_the_command_line() -> None:
    code = (
        "import sys, trio_openai; "
        "print([m for m in sys.modules if m.split('.')[:2] in (['trio_openai', 'batch'], ['trio_openai', '_cli'])"
        " or m.split('.')[0] == 'tqdm'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
