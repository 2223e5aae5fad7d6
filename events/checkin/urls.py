"""Check-in URLs: the pages (under the language prefix, included by events/urls.py) and the
JSON API for scanners (no language prefix, mounted at /api/ by config/urls.py)."""

from django.urls import path, re_path

from events.checkin import api, views

urlpatterns = [
    path("checkin/", views.scanner, name="checkin_scanner"),
    path("checkin/pair/", views.pair, name="checkin_pair"),
    path("checkin/sw.js", views.service_worker, name="checkin_service_worker"),
    path("checkin/manifest.webmanifest", views.manifest, name="checkin_manifest"),
    path("checkin/kiosk/badge/<str:ticket>/", views.kiosk_badge, name="checkin_kiosk_badge"),
    path("checkin/arrivals/", views.arrivals_index, name="checkin_arrivals_index"),
    path("checkin/arrivals/<id:event_id>/", views.arrivals, name="checkin_arrivals"),
]

#: The scanner API (namespace ``api``): see docs/architecture.md and the README's "Check-in API".
api_urlpatterns = [
    path("checkin/", api.checkin, name="checkin"),
    path("checkin/manual/", api.checkin_manual, name="checkin_manual"),
    path("checkin/annul/", api.annul, name="checkin_annul"),
    path("checkin/search/", api.search, name="checkin_search"),
    path("checkin/lists/", api.lists, name="checkin_lists"),
    path("checkin/lists/<id:list_id>/stats/", api.list_stats, name="checkin_list_stats"),
    path("checkin/lists/<id:list_id>/snapshot/", api.list_snapshot, name="checkin_snapshot"),
    path("checkin/lists/<id:list_id>/changes/", api.list_changes, name="checkin_changes"),
    path("checkin/batch/", api.batch, name="checkin_batch"),
    path("checkin/events/<id:event_id>/stats/", api.event_stats, name="checkin_event_stats"),
    path("checkin/walkins/", api.walkin, name="checkin_walkin"),
    path("checkin/kiosk/", api.kiosk, name="checkin_kiosk"),
    path("checkin/kiosk/print/", api.kiosk_print, name="checkin_kiosk_print"),
    path(
        "checkin/registrations/<id:registration_id>/badge.pdf",
        api.badge,
        name="checkin_badge",
    ),
    # Anything else under /api/ answers JSON too, never the site's HTML 404 page.
    # [\s\S], not ".": a newline matches too, so /api/%0A cannot escape to the HTML 404 (an
    # inline (?s) flag would break Django's reverse() of the URL patterns).
    re_path(r"^[\s\S]*$", api.not_found),
]
