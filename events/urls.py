"""Public pages of registration and check-in, under the language prefix."""

from django.urls import path

from events import views
from events.checkin.urls import urlpatterns as checkin_urlpatterns

app_name = "events"
urlpatterns = [
    path("register/", views.register_current, name="register_current"),
    path("register/confirm/<str:key>/", views.confirm, name="confirm"),
    path("register/<slug:event_slug>/", views.register, name="register"),
    path("register/<slug:event_slug>/sent/", views.register_sent, name="register_sent"),
    path("register/<slug:event_slug>/resend/", views.resend_link, name="resend_link"),
    path("registration/<str:secret>/", views.manage, name="manage"),
    path("registration/<str:secret>/badge.pdf", views.manage_badge_pdf, name="manage_badge_pdf"),
    path("registration/<str:secret>/event.ics", views.manage_ics, name="manage_ics"),
    path("registration/<str:secret>/edit/", views.manage_edit, name="manage_edit"),
    path("registration/<str:secret>/cancel/", views.manage_cancel, name="manage_cancel"),
    *checkin_urlpatterns,
]
