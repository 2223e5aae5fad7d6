"""Check-in pages: the scanner (phone, tablet, laptop), device pairing, live arrivals."""

from __future__ import annotations

import contextlib
import functools
import math

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from core.converters import parse_id
from events.checkin.permissions import checkin_user_may_scan, checkin_user_may_watch
from events.checkin.selectors import event_arrivals
from events.models import Event

CHART_HEIGHT = 160
BAR_WIDTH = 18
BAR_GAP = 6


def _watchers_only(view):
    """Let through only those who may watch the arrivals; send an anonymous visitor to the
    login, refuse the others (403)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not checkin_user_may_watch(request.user):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _api_urls() -> dict:
    urls = {
        "checkin": reverse("api:checkin"),
        "manual": reverse("api:checkin_manual"),
        "annul": reverse("api:checkin_annul"),
        "search": reverse("api:checkin_search"),
        "lists": reverse("api:checkin_lists"),
    }
    with contextlib.suppress(NoReverseMatch):  # walk-ins need the registration services
        urls["walkin"] = reverse("api:checkin_walkin")
    return urls


@ensure_csrf_cookie
def scanner(request):
    """The door screen. It holds no data itself: it asks the API with the device token kept by
    the browser (after pairing) or, for staff, with the session."""
    config = {
        "lang": get_language(),
        "api": _api_urls(),
        "staff": checkin_user_may_scan(request.user),
        "loginUrl": f"{settings.LOGIN_URL}?next={request.path}",
        "strings": {
            "ok": _("Welcome!"),
            "exitOk": _("Exit recorded."),
            "offline": _("No connection: the scan was not recorded. Scan again."),
            "cameraError": _("The camera could not be opened: %(error)s"),
            "cameraStart": _("Start camera"),
            "cameraStop": _("Stop camera"),
            "revoked": _("This device has been revoked or its pairing link replaced."),
            "signIn": _("Pair this device with its link, or sign in as staff."),
            "noLists": _("No check-in list for this event yet."),
            "undoDone": _("Check-in undone."),
            "undoReason": _("Scanned by mistake"),
            "checkedInAt": _("Checked in at %(time)s"),
            "notCheckedIn": _("Not checked in"),
            "notAdmitted": _("not admitted on this list"),
            "noResults": _("Nobody found."),
            "checkIn": _("Check in"),
            "walkinDone": _("Registered: %(name)s"),
            "printBadge": _("Print the badge"),
            "forgetConfirm": _("Forget this device's pairing on this browser?"),
        },
    }
    return render(request, "events/checkin/scanner.html", {"config": config})


def pair(request):
    """Opened from the pairing link: keeps the device token (from the URL fragment, which the
    server never sees) in this browser and goes on to the scanner."""
    return render(request, "events/checkin/pair.html")


@_watchers_only
def arrivals_index(request):
    events = list(Event.objects.filter(checkin_lists__isnull=False).distinct())
    if len(events) == 1:
        return redirect("events:checkin_arrivals", event_id=events[0].pk)
    return render(request, "events/checkin/arrivals_index.html", {"events": events})


def _chart(buckets: list[dict]) -> dict:
    peak = max((bucket["count"] for bucket in buckets), default=0)
    every = max(1, math.ceil(len(buckets) / 12))
    bars = []
    for index, bucket in enumerate(buckets):
        height = round(CHART_HEIGHT * bucket["count"] / peak) if peak else 0
        bars.append(
            {
                **bucket,
                "x": index * (BAR_WIDTH + BAR_GAP),
                "y": CHART_HEIGHT - height,
                "height": height,
                "show_label": index % every == 0,
            }
        )
    return {
        "bars": bars,
        "width": max(1, len(buckets) * (BAR_WIDTH + BAR_GAP)),
        "height": CHART_HEIGHT,
        "bar_width": BAR_WIDTH,
        "peak": peak,
    }


@_watchers_only
def arrivals(request, event_id: int):
    """The live arrivals board: refreshes its figures every few seconds by itself."""
    event = get_object_or_404(Event, pk=event_id)
    stats = event_arrivals(event=event)
    every = request.GET.get("every", "")
    refresh_ms = min(max(int(every), 1000), 60000) if parse_id(every) else 10000
    context = {
        "event": event,
        "stats": stats,
        "chart": _chart(stats["per_10_minutes"]),
        "refresh_ms": refresh_ms,
    }
    if request.GET.get("fragment"):
        return render(request, "events/checkin/arrivals_live.html", context)
    return render(request, "events/checkin/arrivals.html", context)
