"""A run that skipped tests says so in its last lines, in words (tests/conftest.py's
pytest_terminal_summary), written by pytest's own terminal reporter."""

import contextlib
import io

from _pytest.reports import TestReport
from _pytest.terminal import TerminalReporter

from tests.conftest import pytest_terminal_summary


def _skipped(nodeid: str, reason: str) -> TestReport:
    return TestReport(
        nodeid,
        ("tests/x.py", 1, nodeid),
        {},
        "skipped",
        ("tests/x.py", 1, f"Skipped: {reason}"),
        "call",
    )


def _summary(config, reports) -> str:
    out = io.StringIO()
    reporter = TerminalReporter(config, out)
    for report in reports:
        reporter.stats.setdefault(report.outcome, []).append(report)
    # The hook is a wrapper: it runs pytest's own summary (the yield), then adds its lines.
    steps = pytest_terminal_summary(terminalreporter=reporter, exitstatus=0, config=config)
    next(steps)
    with contextlib.suppress(StopIteration):
        steps.send(None)
    return out.getvalue()


def test_skipped_tests_are_counted_in_words_with_their_reasons(pytestconfig):
    text = _summary(
        pytestconfig,
        [
            _skipped("a", "needs PostgreSQL"),
            _skipped("b", "needs PostgreSQL"),
            _skipped("c", "Debian's chromium is not installed (apt-get install chromium)"),
        ],
    )
    assert "3 tests were skipped" in text
    assert "  2 skipped: needs PostgreSQL\n" in text
    assert "  1 skipped: Debian's chromium is not installed (apt-get install chromium)\n" in text


def test_a_run_without_skips_adds_nothing(pytestconfig):
    assert _summary(pytestconfig, []) == ""
    assert "1 test was skipped" in _summary(pytestconfig, [_skipped("a", "why")])
