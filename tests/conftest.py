"""Shared fixtures: the demo forum, a real Chromium driven by Playwright, database helpers."""

import collections
import os
import shutil

import pytest
from django.db import connection

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIRE_ALL_TESTS = os.environ.get("REQUIRE_ALL_TESTS") == "1"


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    if on_postgresql():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (the CI runs the suite on it too)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped test is a failure, except PostgreSQL-only tests on the SQLite pass."""
    outcome = yield
    report = outcome.get_result()
    if not (REQUIRE_ALL_TESTS and report.skipped):
        return
    if "postgres" in item.keywords and not on_postgresql():
        return
    report.outcome = "failed"
    report.longrepr = f"skipped in CI, which counts as a failure: {report.longrepr}"


def _skip_reason(report) -> str:
    if isinstance(report.longrepr, tuple):
        return report.longrepr[2].removeprefix("Skipped: ")
    return str(report.longrepr)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """A run that skipped tests says so in its last lines, in words: how many and why (a browser
    test skipped for want of Chromium is a test that did not run, not a pass). A wrapper, so
    that it comes after pytest's short summary, just above the final count."""
    result = yield
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return result
    reasons = collections.Counter(_skip_reason(report) for report in skipped)
    count = len(skipped)
    terminalreporter.write_sep(
        "=", f"{count} test{'s were' if count != 1 else ' was'} skipped", yellow=True, bold=True
    )
    for reason, n in reasons.most_common():
        terminalreporter.write_line(f"  {n} skipped: {reason}")
    terminalreporter.write_line(
        "  They did not run: install what they need (scripts/system-deps) or run on PostgreSQL "
        "(DATABASE_URL=postgres://…) to run them."
    )
    return result


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test starts with no rate counter and an empty cache. Rate counters in the database
    roll back with the test; in Redis (``REDIS_URL`` set) they would outlive it, and the
    sign-ups and password resets of earlier tests (all from 127.0.0.1) would count against the
    later ones. The cache holds each event's registration questions by the event's id, and
    SQLite gives the ids of a rolled-back test to the next one."""
    from django.core.cache import caches

    caches["default"].clear()
    yield


# --- Wagtail tree and demo data -----------------------------------------------------------------


def ensure_wagtail_tree():
    """Wagtail's root page, root collection and locales come from data migrations, which a
    transactional test's flush removes; put them back so that any test can build pages."""
    from wagtail.models import Collection, Locale, Page

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")

    Locale.objects.get_or_create(language_code="vi")
    Locale.objects.get_or_create(language_code="en")
    if not Page.get_first_root_node():
        Page.add_root(
            instance=Page(title="Root", slug="root", locale=Locale.objects.get(language_code="vi"))
        )


@pytest.fixture
def demo_forum(db):
    """The demo event and home page (vi and en), as `load_demo` builds them."""
    from cms.demo import load_home
    from events.demo import SEED_DAY, load_event

    ensure_wagtail_tree()
    event = load_event(day=SEED_DAY)
    home = load_home(event)
    return home


# --- Browser --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM) or shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    # The Content-Security-Policy must break nothing: Chromium reports every blocked script,
    # style, image or frame on the console.
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert blocked == [], blocked
