"""Check-in pages (under the language prefix): scanner, pairing, live arrivals."""

from django.urls import path

from events import views_checkin

urlpatterns = [
    path("checkin/", views_checkin.scanner, name="checkin_scanner"),
    path("checkin/pair/", views_checkin.pair, name="checkin_pair"),
    path("checkin/arrivals/", views_checkin.arrivals_index, name="checkin_arrivals_index"),
    path("checkin/arrivals/<int:event_id>/", views_checkin.arrivals, name="checkin_arrivals"),
]
