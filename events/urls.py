"""Public pages of registration and check-in, under the language prefix."""

from events.urls_checkin import urlpatterns as checkin_urlpatterns

app_name = "events"
urlpatterns: list = [*checkin_urlpatterns]
