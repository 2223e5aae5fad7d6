"""Routes of the site that are not Wagtail pages: search and calendars (.ics). Speaker pages
are routes of the speaker index page."""

from django.urls import path

from cms import views

app_name = "cms"
urlpatterns = [
    path("tim-kiem/", views.search, name="search"),
    path("privacy/", views.privacy_policy, name="privacy"),
    path("lich/phien-<id:page_id>.ics", views.session_ics, name="session_ics"),
    path("lich/chuong-trinh-<id:page_id>.ics", views.agenda_ics, name="agenda_ics"),
]
