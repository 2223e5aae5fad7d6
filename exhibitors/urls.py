"""Public pages of the exhibition: floor plan, exhibitor accounts and bookings.

Mounted under the language prefix (Vietnamese at the root, English under /en/).
"""

from django.urls import path

from exhibitors import lead_views, views

app_name = "exhibitors"
urlpatterns = [
    path("exhibition/", views.exhibition_current, name="current"),
    path("exhibition/<slug:event_slug>/", views.floor_plan, name="floor_plan"),
    path("exhibition/<slug:event_slug>/booths.json", views.floor_plan_api, name="floor_plan_api"),
    path(
        "exhibition/<slug:event_slug>/booths/<str:code>/",
        views.booth_detail,
        name="booth_detail",
    ),
    path(
        "exhibition/<slug:event_slug>/booths/<str:code>/hold/",
        views.booth_hold,
        name="booth_hold",
    ),
    path("exhibition/<slug:event_slug>/exhibitors/", views.directory, name="directory"),
    path("exhibitor/signup/", views.signup, name="signup"),
    path("exhibitor/verify/<str:uidb64>/<str:token>/", views.verify_email, name="verify_email"),
    path("exhibitor/login/", views.ExhibitorLoginView.as_view(), name="login"),
    path("exhibitor/password/reset/", views.password_reset, name="password_reset"),
    path(
        "exhibitor/password/reset/<str:uidb64>/<str:token>/",
        views.ExhibitorPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("exhibitor/logout/", views.logout_view, name="logout"),
    path("exhibitor/", views.dashboard, name="dashboard"),
    path("exhibitor/company/", views.company, name="company"),
    path("exhibitor/members/", views.members, name="members"),
    path("exhibitor/members/<id:pk>/remove/", views.member_remove, name="member_remove"),
    path("exhibitor/invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("exhibitor/bookings/<id:pk>/", views.booking_detail, name="booking_detail"),
    path("exhibitor/bookings/<id:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path(
        "exhibitor/bookings/<id:pk>/proforma.pdf", views.booking_proforma, name="booking_proforma"
    ),
    path(
        "exhibitor/bookings/<id:pk>/proforma/issue/",
        views.booking_proforma_issue,
        name="booking_proforma_issue",
    ),
    path("exhibitor/bookings/<id:pk>/receipt.pdf", views.booking_receipt, name="booking_receipt"),
    path("exhibitor/bookings/<id:pk>/staff/", views.staff_add, name="staff_add"),
    path("exhibitor/staff/<id:pk>/remove/", views.staff_remove, name="staff_remove"),
    path("exhibitor/staff/<id:pk>/badge.pdf", views.staff_badge, name="staff_badge"),
    path("exhibitor/leads/", lead_views.leads, name="leads"),
    path("exhibitor/leads/scan/", lead_views.lead_scan, name="lead_scan"),
    path("exhibitor/leads/<id:pk>/", lead_views.lead_detail, name="lead_detail"),
    path("exhibitor/leads/export.<str:fmt>", lead_views.leads_export, name="leads_export"),
    path("exhibitor/api/", views.api_root, name="api_root"),
    path("exhibitor/api/bookings/", views.api_bookings, name="api_bookings"),
    path("exhibitor/api/bookings/<id:pk>/", views.api_booking, name="api_booking"),
]
