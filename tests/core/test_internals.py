"""Pins every Django internal that core/internals.py leans on: an upgrade that changes one fails
here, by name."""

import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.handlers.wsgi import WSGIHandler
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from core.internals import load_middleware_from, log_query, on_raw_connection, permissions_loaded


@pytest.mark.django_db
def test_has_perm_caches_the_permissions_on_the_user_and_then_costs_no_query(
    django_assert_num_queries,
):
    user = User.objects.create_user("door", password="x")
    user.user_permissions.add(Permission.objects.get(codename="add_checkin"))
    user = User.objects.get(pk=user.pk)
    assert not permissions_loaded(user)
    assert user.has_perm("events.add_checkin")
    assert permissions_loaded(user)
    with django_assert_num_queries(0):
        assert user.has_perm("events.add_checkin")
        assert not user.has_perm("events.change_registration")


@pytest.mark.django_db
def test_a_statement_logged_by_hand_is_counted_like_django_own():
    with CaptureQueriesContext(connection) as queries:
        log_query(connection, "SELECT 1", [], time.monotonic())
    assert len(queries) == 1
    assert queries[0]["sql"] == "SELECT 1 -- []"
    assert float(queries[0]["time"]) >= 0


@pytest.mark.django_db
def test_nothing_is_logged_when_queries_are_not_logged():
    before = len(connection.queries_log)
    assert not connection.queries_logged  # DEBUG is off and nothing captures
    log_query(connection, "SELECT 1", [], time.monotonic())
    assert len(connection.queries_log) == before


@pytest.mark.django_db(transaction=True)
def test_raw_connection_opens_a_closed_connection_and_wraps_driver_errors():
    connection.close()
    assert on_raw_connection(connection, lambda raw: raw is not None) is True

    def violate(raw):
        cursor = raw.cursor()
        try:
            cursor.execute("CREATE TEMPORARY TABLE pin_unique (k integer UNIQUE)")
            cursor.execute("INSERT INTO pin_unique VALUES (1)")
            cursor.execute("INSERT INTO pin_unique VALUES (1)")
        finally:
            cursor.close()

    with pytest.raises(IntegrityError):  # Django's class, not the driver's
        on_raw_connection(connection, violate)
    if connection.vendor == "postgresql":
        connection.connection.rollback()


def test_a_handler_builds_its_chain_from_the_given_middleware_and_leaves_the_setting_alone():
    site = list(settings.MIDDLEWARE)
    handler = WSGIHandler.__new__(WSGIHandler)  # no chain built yet
    load_middleware_from(handler, ["django.middleware.common.CommonMiddleware"])
    assert site == settings.MIDDLEWARE
    names, layer = [], handler._middleware_chain
    while hasattr(layer, "__wrapped__"):  # convert_exception_to_response wraps each layer
        layer = layer.__wrapped__
        if not hasattr(layer, "get_response"):
            break  # the innermost: the handler's own _get_response
        names.append(type(layer).__name__)
        layer = layer.get_response
    assert names == ["CommonMiddleware"]
