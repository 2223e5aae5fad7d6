"""Rate limits hold across processes: counted in the database (or Redis), never in a
process's memory."""

import multiprocessing
import time

import pytest
from django.core.cache import cache
from django.db import connections
from django.utils.crypto import salted_hmac

from core.models import RateCounter
from core.ratelimit import email_rate_limited, hit


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


@pytest.mark.django_db
def test_emails_are_limited_per_address_and_per_client(rf, settings, caplog):
    settings.EMAIL_RATE_LIMIT_ADDRESS = "2/3600"
    settings.EMAIL_RATE_LIMIT_IP = "4/3600"

    def ask(email, ip):
        return email_rate_limited(rf.post("/", REMOTE_ADDR=ip), scope="test", email=email)

    by_address = [ask("Khoa@Example.com ", f"10.0.0.{n}") for n in range(3)]
    assert by_address == ["", "", "address"]  # the address in any case, from any client
    assert "test emails to k***@example.com over the per-address limit" in caplog.text
    assert "khoa@example.com" not in caplog.text.lower()
    by_client = [ask(f"guest{n}@example.com", "10.0.1.1") for n in range(5)]
    assert by_client == ["", "", "", "", "ip"]
    assert "test emails from 10.0.1.1 over the per-client limit" in caplog.text
    assert ask("guest9@example.com", "10.0.1.2") == ""  # another client
    assert ask("guest9@example.com", "10.0.1.2") == ""
    assert ask("khoa@example.com", "10.0.2.1") == "address"  # still within the hour


@pytest.mark.django_db
def test_the_email_limits_count_the_client_behind_the_proxy_and_no_address_in_clear(rf, settings):
    settings.EMAIL_RATE_LIMIT_IP = "1/3600"
    settings.RATE_LIMIT_IP_HEADER = "HTTP_X_REAL_IP"

    def ask(real_ip):
        request = rf.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=real_ip)
        return email_rate_limited(request, scope="proxy", email=f"{real_ip}@example.com")

    assert [ask("203.0.113.1"), ask("203.0.113.2"), ask("203.0.113.1")] == ["", "", "ip"]
    hour = int(time.time() // 3600)

    def counted(scope, client):
        key = f"rl:{scope}:{client}:3600:{hour}"  # in the database, or in Redis when configured
        return RateCounter.objects.filter(key=key).exists() or cache.get(key) is not None

    assert counted("mail-ip:proxy", "203.0.113.2")
    assert not counted("mail-ip:proxy", "127.0.0.1")
    # Addresses are counted by a keyed hash, never in clear.
    digest = salted_hmac("core.ratelimit.email", "203.0.113.2@example.com").hexdigest()[:32]
    assert counted("mail-to:proxy", digest)
    assert not counted("mail-to:proxy", "203.0.113.2@example.com")


def test_a_limit_of_0_0_sends_every_email(rf, settings):
    settings.EMAIL_RATE_LIMIT_ADDRESS = "0/0"
    settings.EMAIL_RATE_LIMIT_IP = "0/0"
    request = rf.post("/")
    assert {email_rate_limited(request, scope="off", email="a@example.com") for _ in range(20)} == {
        ""
    }
