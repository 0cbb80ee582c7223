"""Progress on stderr: a bar on a terminal, plain lines otherwise, nothing when disabled."""

from __future__ import annotations

import io

from trio_openai._cli._progress import BarReporter, PlainReporter, make_reporter
from trio_openai.batch import BatchCounts, RunProgress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_with_failures_waits_and_batches() -> None:
    stream = _Terminal()
    reporter = make_reporter(True, stream)
    assert isinstance(reporter, BarReporter)
    reporter(RunProgress(total=10, succeeded=2, failed=0))
    reporter(RunProgress(total=10, succeeded=5, failed=1, rate_limited=3.5, message="submitted batch_1"))
    batches = (BatchCounts(id="batch_1", status="in_progress", total=4, completed=1, failed=0),)
    reporter(RunProgress(total=10, succeeded=6, failed=1, rate_limited=3.5, batches=batches))
    reporter.close()
    text = stream.getvalue()
    assert "7/10" in text and "failed=1" in text and "rate-limited=3.5s" in text
    assert "1 in_progress" in text and "trio-openai: submitted batch_1" in text


def test_plain_lines_are_throttled_but_the_last_state_is_shown() -> None:
    stream = io.StringIO()
    reporter = make_reporter(True, stream)
    assert isinstance(reporter, PlainReporter)
    for done in range(50):
        reporter(RunProgress(total=50, succeeded=done + 1, failed=0))
    reporter.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("trio-openai: 1/50 done") and lines[-1].startswith("trio-openai: 50/50 done")
    assert len(lines) == 2
    assert make_reporter(False, stream) is None
