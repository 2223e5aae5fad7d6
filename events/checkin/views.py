"""Check-in pages: the scanner (phone, tablet, laptop), device pairing, live arrivals."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
from pathlib import Path

import segno
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from core.converters import parse_id
from events.checkin.kiosk import kiosk_print_ticket_read
from events.checkin.permissions import checkin_user_may_scan, checkin_user_may_watch
from events.checkin.selectors import event_arrivals
from events.exceptions import KioskPrintExpired
from events.models import Event
from events.services.questions import badge_answer, badge_question

CHART_HEIGHT = 160
BAR_WIDTH = 18
BAR_GAP = 6
#: Room an "07:30" under the axis takes (10 px text, and a gap), in the SVG's units.
LABEL_WIDTH = 40
MAX_LABELS = 12


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
    urls["batch"] = reverse("api:checkin_batch")
    urls["kiosk"] = reverse("api:checkin_kiosk")
    urls["kioskPrint"] = reverse("api:checkin_kiosk_print")
    # The list's id replaces 0 (the scanner fills it in).
    urls["snapshot"] = reverse("api:checkin_snapshot", args=[0])
    urls["changes"] = reverse("api:checkin_changes", args=[0])
    return urls


def _offline_strings() -> dict:
    return {
        "offlineDecided": _("Decided offline: the server will confirm it."),
        "offlineWaitingOne": ngettext(
            "Offline: %(count)s scan waiting", "Offline: %(count)s scans waiting", 1
        ),
        "offlineWaitingMany": ngettext(
            "Offline: %(count)s scan waiting", "Offline: %(count)s scans waiting", 2
        ),
        "offlineNone": _("Offline: the scanner decides from its copy of the list."),
        "syncing": _("Sending %(count)s queued scans…"),
        "stale": _("Not synchronised since %(time)s: check the connection."),
        "neverSynced": _("No copy of this list yet: scans need the network."),
        "conflict": _("Server: %(name)s — %(message)s"),
        "wiped": _("This device has been revoked: its copy of the list and its queue are erased."),
        "unknownOffline": _("Unknown badge"),
        "alreadyOffline": _("Already checked in at %(time)s."),
        "alreadyHere": _("Already checked in on this device at %(time)s."),
        "cancelledOffline": _("Registration cancelled"),
        "notConfirmedOffline": _("Registration not confirmed"),
        "notAllowedOffline": _("Not admitted on this list"),
        "closedOffline": _("This list is closed"),
    }


#: The scanner's files, kept by its service worker so that it opens with no network.
APP_SHELL_STATIC = (
    "css/fonts.css",
    "css/site.css",
    "css/checkin.css",
    "vendor/jsqr/jsQR.js",
    "js/qr-camera.js",
    "js/fold.js",
    "js/checkin-offline.js",
    "js/scanner.js",
    "img/checkin-192.png",
    "img/checkin-512.png",
)


@functools.cache
def _shell_version() -> str:
    """A digest of the app shell's files: a new deployment gives a new service worker (its
    bytes change), which replaces the cached copies."""
    digest = hashlib.sha256()
    for path in APP_SHELL_STATIC:
        found = finders.find(path)
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    digest.update(Path(__file__).with_name("views.py").read_bytes())
    return digest.hexdigest()[:16]


def service_worker(request):
    """``/checkin/sw.js`` (and ``/en/checkin/sw.js``): the scanner's service worker, whose scope
    is the scanner's folder. It keeps the scanner page and its files so that a reload with no
    network opens a working scanner; it never touches /api/ (the scanner itself decides what
    to do when the API does not answer)."""
    shell = [static(path) for path in APP_SHELL_STATIC]
    scanner_url = reverse("events:checkin_scanner")
    body = render(
        request,
        "events/checkin/sw.js",
        {
            "config": json.dumps(
                {
                    "cache": f"forumhall-checkin-{_shell_version()}",
                    "page": scanner_url,
                    "manifest": reverse("events:checkin_manifest"),
                    "shell": shell,
                    "static": settings.STATIC_URL,
                }
            )
        },
        content_type="text/javascript; charset=utf-8",
    )
    body["Cache-Control"] = "no-cache"
    body["Service-Worker-Allowed"] = scanner_url
    return body


def manifest(request):
    """The scanner's web app manifest: installable on a phone or tablet's home screen."""
    scanner_url = reverse("events:checkin_scanner")
    data = {
        "name": _("Forum check-in scanner"),
        "short_name": _("Check-in"),
        "lang": get_language(),
        "start_url": scanner_url,
        "scope": scanner_url,
        "id": scanner_url,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0f3d63",
        "icons": [
            {
                "src": static(f"img/checkin-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )


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
            "listCount": _("Arrived: %(arrived)s / %(expected)s"),
            "kioskTitle": _("Self check-in"),
            "searchMore": _("Only the first %(count)s matches are shown: type more of the name."),
            "printBadge": _("Print the badge"),
            "forgetConfirm": _("Forget this device's pairing on this browser?"),
            "answerYes": pgettext("answer", "Yes"),
            "answerNo": pgettext("answer", "No"),
            **_offline_strings(),
        },
        "serviceWorker": reverse("events:checkin_service_worker"),
        "scope": reverse("events:checkin_scanner"),
        # A scan waits this long for the server before the scanner decides it offline.
        "onlineTimeoutMs": settings.CHECKIN_ONLINE_TIMEOUT_MS,
        "syncEveryMs": settings.CHECKIN_SYNC_EVERY_MS,
    }
    return render(request, "events/checkin/scanner.html", {"config": config})


def pair(request):
    """Opened from the pairing link: keeps the device token (from the URL fragment, which the
    server never sees) in this browser and goes on to the scanner."""
    return render(request, "events/checkin/pair.html")


def _admin_header(title: str) -> dict:
    """The admin's header of a page drawn in the admin's look (the board is the organizers')."""
    return {"header_title": title, "page_title": title, "header_icon": "view"}


@_watchers_only
def arrivals_index(request):
    events = list(Event.objects.filter(checkin_lists__isnull=False).distinct())
    if len(events) == 1:
        return redirect("events:checkin_arrivals", event_id=events[0].pk)
    return render(
        request,
        "events/checkin/arrivals_index.html",
        {"events": events, **_admin_header(_("Live arrivals"))},
    )


def _chart(buckets: list[dict]) -> dict:
    """The bars of the arrivals chart, in the SVG's own units (drawn at that size, never
    stretched: a long day scrolls sideways). A time is written under a bar only when the
    previous label is ``LABEL_WIDTH`` away, and at most ``MAX_LABELS`` times."""
    peak = max((bucket["count"] for bucket in buckets), default=0)
    every = max(
        math.ceil(LABEL_WIDTH / (BAR_WIDTH + BAR_GAP)), math.ceil(len(buckets) / MAX_LABELS)
    )
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
        # Room after the last bar for its time label.
        "width": len(buckets) * (BAR_WIDTH + BAR_GAP) + LABEL_WIDTH,
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
        **_admin_header(_("Live arrivals")),
    }
    if request.GET.get("fragment"):
        return render(request, "events/checkin/arrivals_live.html", context)
    return render(request, "events/checkin/arrivals.html", context)


def kiosk_badge(request, ticket: str):
    """``/checkin/kiosk/badge/<ticket>/``: the badge of the guest a kiosk just checked in, as a
    page sized to the badge (``@page`` A6, in css/kiosk-badge.css) for the browser's print
    dialog: any printer the tablet knows prints it. The ticket (signed, short-lived: see
    ``kiosk.kiosk_print_ticket_read``) is the only key; an expired one is a 410 page."""
    try:
        registration = kiosk_print_ticket_read(ticket)
    except KioskPrintExpired as error:
        context = {"message": error.message}
        return render(request, "events/checkin/kiosk_badge_expired.html", context, status=410)
    qr = segno.make(registration.token, error="m")
    response = render(
        request,
        "events/checkin/kiosk_badge.html",
        {
            "registration": registration,
            "event": registration.event,
            "category": registration.category,
            # The answer the event prints on badges ("Đoàn": the delegation), as the PDF does.
            "answer": badge_answer(
                registration,
                badge_question(registration.event_id),
                get_language() or settings.LANGUAGE_CODE,
            ),
            "qr_svg": qr.svg_inline(scale=4, border=2),
        },
    )
    response["Cache-Control"] = "no-store"  # the badge's QR is its secret
    response["X-Robots-Tag"] = "noindex"
    return response
