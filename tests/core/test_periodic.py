"""core.periodic: the sweeps every task worker runs, each at most once per its interval in a
process, a failing one logged without stopping the others, and run_worker's sweep running them."""

import datetime as dt

import pytest

from core import periodic
from core.management.commands.run_worker import reclaim_once


@pytest.fixture
def sweeps(monkeypatch):
    monkeypatch.setattr(periodic, "_SWEEPS", {})
    monkeypatch.setattr(periodic, "_last_run", {})
    calls = []

    def broken():
        calls.append("broken")
        raise RuntimeError("the database is away")

    periodic.register("test.broken", broken, every=dt.timedelta(seconds=60))
    periodic.register("test.often", lambda: calls.append("often"), every=dt.timedelta(seconds=10))
    return calls


def test_each_sweep_runs_once_per_interval_and_a_failure_stops_no_other(sweeps, caplog):
    now = [1000.0]
    assert periodic.sweeps_run_due(clock=lambda: now[0]) == ["test.broken", "test.often"]
    assert sweeps == ["broken", "often"]
    assert "The periodic sweep test.broken failed" in caplog.text
    now[0] = 1009.0
    assert periodic.sweeps_run_due(clock=lambda: now[0]) == []
    now[0] = 1010.0
    assert periodic.sweeps_run_due(clock=lambda: now[0]) == ["test.often"]
    now[0] = 1060.0
    assert periodic.sweeps_run_due(clock=lambda: now[0]) == ["test.broken", "test.often"]
    assert sweeps == ["broken", "often", "often", "broken", "often"]


@pytest.mark.django_db
def test_the_worker_sweep_runs_the_due_sweeps(sweeps):
    assert reclaim_once("worker-test") == 0
    assert sweeps == ["broken", "often"]
    reclaim_once("worker-test")
    assert sweeps == ["broken", "often"]  # not yet due again
