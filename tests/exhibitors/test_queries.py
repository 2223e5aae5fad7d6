"""The floor plan and the directory render in a fixed number of queries, for 1 or 20 booths."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from exhibitors import selectors
from exhibitors.services import (
    booking_approve,
    booking_request,
    booth_hold,
    exhibition_settings_update,
)
from tests.exhibitors.test_bookings import INVOICE
from tests.factories.exhibitors import make_booths, make_event, make_exhibitor, user_of


def approved_hall(event, count):
    """``count`` booths, each booked (approved) by its own exhibitor with a logo-less profile."""
    booths = make_booths(event, count=count)
    for booth in booths:
        exhibitor = make_exhibitor()
        booking = booth_hold(event=event, booth=booth, exhibitor=exhibitor)
        booking_approve(booking=booking_request(booking=booking, **INVOICE), by=None)
    return booths


def render_exhibition(event, user):
    request = RequestFactory().get("/trien-lam/")
    request.user = user
    context = {"exhibition": selectors.exhibition_context(event=event, user=user)}
    return render_to_string("exhibitors/includes/exhibition.html", context, request=request)


def count_queries(fn) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = fn()
    return len(queries), result


@pytest.mark.parametrize("count", [1, 20])
def test_exhibition_includes_for_a_visitor(event, count, django_assert_num_queries):
    approved_hall(event, count)
    # booths, their live bookings, the settings, the hall's shapes; the directory
    with django_assert_num_queries(5):
        html = render_exhibition(event, AnonymousUser())
    assert html.count('class="fp-booth ') == count
    assert html.count('class="directory-card"') == count


@pytest.mark.parametrize("count", [1, 20])
def test_exhibition_includes_for_an_exhibitor(event, count, django_assert_num_queries):
    approved_hall(event, count)
    user = user_of(make_exhibitor())
    with django_assert_num_queries(6):  # + the viewer's company
        html = render_exhibition(event, user)
    assert html.count('class="fp-booth ') == count


def test_floor_plan_and_directory_pages_do_not_grow_with_the_hall(client, event):
    approved_hall(event, 1)
    big_event = make_event("big-expo", "Big expo")
    exhibition_settings_update(event=big_event, booking_open=True, max_booths_per_exhibitor=2)
    approved_hall(big_event, 20)
    for path in ["/exhibition/{}/", "/exhibition/{}/exhibitors/", "/exhibition/{}/booths.json"]:
        client.get(path.format("expo-2024"))  # warm the site's cached fragments (cms)
        small, response = count_queries(lambda p=path: client.get(p.format("expo-2024")))
        assert response.status_code == 200
        big, response = count_queries(lambda p=path: client.get(p.format("big-expo")))
        assert response.status_code == 200
        assert (path, small) == (path, big)
    assert count_queries(lambda: client.get("/exhibition/big-expo/"))[0] == 5


@pytest.mark.parametrize("count", [1, 20])
def test_cms_exhibition_page_hook_renders_both_includes(event, count, django_assert_num_queries):
    """The CMS ExhibitionPage calls the ``forumhall_exhibition_context`` hook with its page
    (whose ``event`` is the forum's) and includes the template the hook names."""
    from wagtail import hooks

    approved_hall(event, count)
    request = RequestFactory().get("/trien-lam/")
    request.user = AnonymousUser()
    [hook] = hooks.get_hooks("forumhall_exhibition_context")
    with django_assert_num_queries(5):
        context = hook(page=SimpleNamespace(event=event), request=request)
        html = render_to_string(context["exhibition_template"], context, request=request)
    assert context["exhibition_template"] == "exhibitors/includes/exhibition.html"
    assert html.count('class="fp-booth ') == count
    assert html.count('class="directory-card"') == count
    assert hook(page=SimpleNamespace(event=None), request=request) == {}
