"""The JSON API for scanners (no language prefix): see DESIGN.md, "Check-in API"."""

from django.urls import path, re_path

from events import api

app_name = "api"
urlpatterns = [
    path("checkin/", api.checkin, name="checkin"),
    path("checkin/manual/", api.checkin_manual, name="checkin_manual"),
    path("checkin/annul/", api.annul, name="checkin_annul"),
    path("checkin/search/", api.search, name="checkin_search"),
    path("checkin/lists/", api.lists, name="checkin_lists"),
    path("checkin/lists/<int:list_id>/stats/", api.list_stats, name="checkin_list_stats"),
    path("checkin/events/<int:event_id>/stats/", api.event_stats, name="checkin_event_stats"),
    path("checkin/walkins/", api.walkin, name="checkin_walkin"),
    path(
        "checkin/registrations/<int:registration_id>/badge.pdf",
        api.badge,
        name="checkin_badge",
    ),
    # Anything else under /api/ answers JSON too, never the site's HTML 404 page.
    re_path(r"^.*$", api.not_found),
]
