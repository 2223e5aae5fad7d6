"""Public pages of registration and check-in, under the language prefix."""

from django.urls import path

from events import privacy_views, unsubscribe_views, views
from events.checkin.urls import urlpatterns as checkin_urlpatterns

gone = privacy_views.unless_erased

app_name = "events"
urlpatterns = [
    path("register/", views.register_current, name="register_current"),
    path("register/confirm/<str:key>/", views.confirm, name="confirm"),
    path("register/<slug:event_slug>/", views.register, name="register"),
    path("register/<slug:event_slug>/sent/", views.register_sent, name="register_sent"),
    path("register/<slug:event_slug>/resend/", views.resend_link, name="resend_link"),
    # A manage link whose data was deleted answers 410 (privacy_views.unless_erased).
    path("registration/<str:secret>/", gone(views.manage), name="manage"),
    path(
        "registration/<str:secret>/badge.pdf",
        gone(views.manage_badge_pdf),
        name="manage_badge_pdf",
    ),
    path("registration/<str:secret>/event.ics", gone(views.manage_ics), name="manage_ics"),
    path(
        "registration/<str:secret>/certificate.pdf",
        gone(views.manage_certificate_pdf),
        name="manage_certificate_pdf",
    ),
    path("unsubscribe/<str:token>/", unsubscribe_views.unsubscribe, name="unsubscribe"),
    path("verify/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("registration/<str:secret>/edit/", gone(views.manage_edit), name="manage_edit"),
    path("registration/<str:secret>/cancel/", gone(views.manage_cancel), name="manage_cancel"),
    path(
        "registration/<str:secret>/resubscribe/",
        gone(views.manage_resubscribe),
        name="manage_resubscribe",
    ),
    path("registration/<str:secret>/consent/", privacy_views.manage_consent, name="manage_consent"),
    path("registration/<str:secret>/my-data.json", privacy_views.manage_data, name="manage_data"),
    path("registration/<str:secret>/delete/", privacy_views.manage_erase, name="manage_erase"),
    *checkin_urlpatterns,
]
