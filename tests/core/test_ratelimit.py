"""Rate limits hold across processes: counted in the database (or Redis), never in a
process's memory."""

import multiprocessing

import pytest
from django.db import connections

from core.ratelimit import hit


def _hits(queue, scope):
    connections.close_all()  # a forked child opens its own connection
    queue.put([hit(scope=scope, client="one", limit=10, window=600) for _ in range(10)])
    connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_ten_per_ten_minutes_lets_exactly_ten_through_across_two_processes():
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    connections.close_all()
    workers = [context.Process(target=_hits, args=(queue, "two-procs")) for _ in range(2)]
    for worker in workers:
        worker.start()
    answers = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    allowed = sum(answer == 0 for batch in answers for answer in batch)
    assert allowed == 10
