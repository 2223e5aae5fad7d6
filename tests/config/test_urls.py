"""No 500 from anything a stranger can send (issue 13, section 4): every URL pattern of the
project, each of its parameters replaced by bad values (NUL, a 30-digit number, Unicode digits,
10,000 characters, a percent-encoded lone surrogate), GET and POST, anonymous, and our own admin
URLs as staff too. Runs on the database of the run (SQLite, and PostgreSQL with DATABASE_URL).
"""

import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from tests.conftest import ensure_wagtail_tree
from tests.factories.checkin import door_scene

pytestmark = pytest.mark.django_db

BAD_VALUES = {
    "nul": "%00",
    "huge": "9" * 30,
    "unicode digits": "%C2%B2%D9%A3",  # "²٣"
    "long": "a" * 10_000,
    "lone surrogate": "%ED%A0%80",
}
#: Query strings with the same bad values, for views that read ids and text from the query.
BAD_QUERY = "?list=%C2%B2&event=%C2%B2&q=%00&page=" + "9" * 30 + "&every=%C2%B2&id=%00"
OUR_APPS = ("events", "exhibitors", "cms", "core", "config")
_ROUTE_PARAM = re.compile(r"<(?:\w+:)?\w+>")
_REGEX_GROUP = re.compile(r"\((?:\?P<\w+>)?(?:[^()]|\([^()]*\))*\)")


def _regex_sample(regex: str, value: str) -> str | None:
    """A path matching the shape of ``regex`` with each group replaced by ``value``; None when
    the regex is too clever for this (classes or repetitions outside groups)."""
    text = regex.lstrip("^").removesuffix(r"\Z").removesuffix("$")
    text = _REGEX_GROUP.sub(lambda _m: value, text)
    text = text.replace("\\.", ".").replace("\\-", "-").replace("\\/", "/")
    if re.search(r"[\\\[\]()*+?{}|^$]", text.replace(value, "")):
        return None
    return text


def _part(pattern, value: str) -> str | None:
    if isinstance(pattern, LocalePrefixPattern):
        return ""  # the default language (vi); English is walked with "en/" below
    if isinstance(pattern, RoutePattern):
        return _ROUTE_PARAM.sub(lambda _m: value, str(pattern._route))
    if isinstance(pattern, RegexPattern):
        return _regex_sample(pattern._regex, value)
    return None


def url_patterns(patterns=None, prefix=(), locale=False):
    """Every (pattern chain, uses i18n prefix) of the project, depth first."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        chain = (*prefix, entry.pattern)
        in_locale = locale or isinstance(entry.pattern, LocalePrefixPattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry.url_patterns, chain, in_locale)
        elif isinstance(entry, URLPattern):
            yield chain, in_locale, entry


def bad_paths():
    """(path, is our admin URL, is an admin URL) for every pattern and bad value."""
    seen = set()
    for chain, in_locale, entry in url_patterns():
        module = getattr(entry.callback, "__module__", "") or ""
        for value in BAD_VALUES.values():
            parts = [_part(pattern, value) for pattern in chain]
            if any(part is None for part in parts):
                continue
            path = "/" + "".join(parts)
            prefixes = ("", "/en") if in_locale else ("",)
            for lang in prefixes:
                full = lang + path
                if full in seen:
                    continue
                seen.add(full)
                is_admin = full.startswith("/admin/")
                ours = module.split(".")[0] in OUR_APPS
                yield full, is_admin and ours, is_admin


def test_every_url_pattern_survives_bad_values():
    from cms.demo import load_site
    from events.demo import SEED_DAY, load_event

    # The demo site and a door scene: pages, registrations and lists for lookups to find (or not).
    cache.clear()
    ensure_wagtail_tree()
    load_site(load_event(day=SEED_DAY))
    door_scene()
    staff = User.objects.create_superuser("walker", "walker@example.com", "x")
    anonymous = Client(raise_request_exception=False)
    organizer = Client(raise_request_exception=False)
    organizer.force_login(staff)
    sent, failures, skipped_admin = 0, [], 0
    for path, ours_admin, is_admin in bad_paths():
        clients = [anonymous] + ([organizer] if ours_admin else [])
        if is_admin and not ours_admin:
            skipped_admin += 1  # Wagtail's own admin: walked anonymously only
        for client in clients:
            for method, url in (("get", path), ("get", path + BAD_QUERY), ("post", path)):
                response = getattr(client, method)(url)
                sent += 1
                if response.status_code >= 500:
                    failures.append((method.upper(), url[:120], response.status_code))
    print(f"URL walk: {sent} requests, {len(failures)} answered 5xx")
    assert sent > 3000
    assert failures == [], failures


@pytest.mark.parametrize(
    "url",
    [
        "/registration/%00/",
        "/registration/%00/badge.pdf",
        "/exhibitor/invitations/%00/",
        "/lich/phien-999999999999999999999999999999.ics",
        "/api/checkin/search/?list=%C2%B2&q=khoa",
    ],
)
def test_the_reported_bad_inputs_are_4xx(client, url):
    scene = door_scene()
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "x"))
    response = client.get(url, headers={"authorization": f"Bearer {scene.token}"})
    assert 400 <= response.status_code < 500, response.status_code


def test_a_booth_code_with_nul_is_a_4xx(client):
    scene = door_scene()
    response = client.get(f"/exhibition/{scene.event.slug}/booths/%00/")
    assert 400 <= response.status_code < 500
