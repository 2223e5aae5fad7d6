"""Periodic sweeps run by every task worker (``manage.py run_worker``, from its sweeping thread,
between its beats): the payment deadlines of the exhibition, say.

Each app registers its sweeps in its ``periodic`` module (discovered when the apps are ready, as
``jobs`` and ``mail_kinds``): ``core`` names no app. A sweep runs at most once per ``every`` in
each worker process; several workers run it concurrently, so a sweep must be idempotent and
race-safe by itself (conditional UPDATEs, unique rows): nothing here elects a single runner.
A sweep that fails is logged and tried again at its next turn; it never stops the others.
"""

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sweep:
    name: str
    run: Callable[[], object]
    every: dt.timedelta


_SWEEPS: dict[str, Sweep] = {}
_last_run: dict[str, float] = {}
_lock = threading.Lock()


def register(name: str, run: Callable[[], object], *, every: dt.timedelta) -> None:
    """Make every worker call ``run()`` about every ``every`` (from an app's ``periodic``)."""
    _SWEEPS[name] = Sweep(name=name, run=run, every=every)


def registered() -> list[Sweep]:
    return list(_SWEEPS.values())


def sweeps_run_due(*, clock: Callable[[], float] = time.monotonic) -> list[str]:
    """Run, in this process, each registered sweep whose last run here is ``every`` ago (or
    that never ran here). Returns the names of those that ran (failed ones included)."""
    ran = []
    for sweep in registered():
        with _lock:
            now, last = clock(), _last_run.get(sweep.name)
            if last is not None and now - last < sweep.every.total_seconds():
                continue
            _last_run[sweep.name] = now
        try:
            sweep.run()
        except Exception:
            logger.exception("The periodic sweep %s failed; next turn later", sweep.name)
        ran.append(sweep.name)
    return ran
