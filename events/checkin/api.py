"""The check-in API for scanners (DESIGN.md, "Check-in API"), mounted at /api/ without a
language prefix.

Authentication: ``Authorization: Bearer <device token>`` (a paired device, limited to its event;
exempt from CSRF since a browser never sends it by itself) or a staff session (a user with the
``events.add_checkin`` permission; CSRF is enforced on writes). Every answer is JSON: bad JSON,
wrong types, huge or binary bodies get a 4xx JSON error, never HTML, never a 500.
"""

from __future__ import annotations

import datetime
import functools
import gzip
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.errors import domain_error_json, json_error
from core.middleware import DATABASE_ERRORS, unavailable_response
from core.text import fold
from events.checkin.kiosk import kiosk_badge_print, kiosk_checkin, kiosk_lists
from events.checkin.permissions import checkin_user_may_scan
from events.checkin.selectors import (
    SEARCH_LIMIT,
    checkin_list_stats,
    checkin_search,
    event_arrivals,
    registration_data,
    scanner_lists,
    search_result_data,
)
from events.checkin.services import (
    DEVICE_TOKEN_RE,
    Scanner,
    checkin_annul,
    checkin_scan,
    checkin_walkin,
    device_authenticate,
    device_token_hash,
    printable,
    scanner_throttle,
)
from events.checkin.sync import (
    BatchScan,
    checkin_batch,
    checkin_list_changes,
    checkin_list_snapshot,
    parse_cursor,
)
from events.enums import CheckInKind, CheckInMethod, RegistrationStatus
from events.exceptions import (
    BadCheckInRequest,
    BadgeNotFound,
    CheckInError,
    CheckInEventNotFound,
    CheckInForbidden,
    CheckInListNotFound,
    EventsError,
    SearchTooShort,
)
from events.models import CheckInList, Device, Event, Registration
from events.pdf.badges import badge_pdf_response
from events.permissions import MANAGE_PERMISSION

logger = logging.getLogger(__name__)

#: A scan is a few dozen bytes; anything much larger is refused before it is read.
MAX_BODY = 16 * 1024
NONCE_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
MAX_ID = 2**63 - 1
KINDS = frozenset(CheckInKind.values)
#: Letters or digits (after folding) a search needs: no listing the guests two letters at a time.
SEARCH_MIN_CHARS = 3
#: How long after registering a walk-in its device may still print the badge.
WALKIN_BADGE_AGE = datetime.timedelta(hours=2)
#: What Django's ``never_cache`` writes, as a constant: its date arithmetic and header parsing
#: were 4% of a scan's Python time (an answer is about one badge at one moment; no cache keeps it).
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


def _csrf_failure(request: HttpRequest) -> str | None:
    check = _CsrfCheck(lambda req: None)
    check.process_request(request)
    try:
        return check.process_view(request, None, (), {})
    except Exception:  # an unreadable form body: no token could be read from it
        return "unreadable body"


def authenticate(request: HttpRequest, *, defer_device: bool = False) -> Scanner | JsonResponse:
    """The scanner behind ``request``, or the 401/403 JSON answer. With ``defer_device`` a
    well-formed device token is not looked up here: the scan's own read checks it."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _sep, token = header.partition(" ")
        token = token.strip()
        if defer_device and scheme.lower() == "bearer" and DEVICE_TOKEN_RE.fullmatch(token):
            return Scanner(token_hash=device_token_hash(token))
        scanner = device_authenticate(token=token) if scheme.lower() == "bearer" else None
        if scanner is None:
            return json_error(
                "unauthorized", _("This device is unknown or has been revoked."), status=401
            )
        return scanner
    user = request.user
    if not user.is_authenticated:
        return json_error(
            "unauthorized", _("Sign in as staff or use a paired scanning device."), status=401
        )
    if not checkin_user_may_scan(user):
        return json_error("forbidden", _("Your account may not check guests in."), status=403)
    if request.method not in ("GET", "HEAD", "OPTIONS") and (reason := _csrf_failure(request)):
        return json_error("csrf_failed", _("The page has expired: reload it. (%s)") % reason, 403)
    return Scanner(user_id=user.pk)


def api_view(methods: tuple[str, ...], *, defer_device: bool = False, max_body: int = MAX_BODY):
    """JSON-only view: method check, body size, authentication, JSON parsing, domain errors."""

    def decorator(view: Callable[..., JsonResponse]):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
            # /api/ has no language prefix, where the site would answer in its default
            # language: a scanner asks for its own with Accept-Language (or the cookie).
            language = translation.get_language_from_request(request)
            with translation.override(language):
                response = respond(request, *args, **kwargs)
            response.headers["Content-Language"] = language
            response.headers["Cache-Control"] = NEVER_CACHE
            patch_vary_headers(response, ["Accept-Language"])
            return response

        def respond(request: HttpRequest, *args, **kwargs) -> JsonResponse:
            try:
                if request.method not in methods:
                    response = json_error(
                        "method_not_allowed", _("Method not allowed."), status=405
                    )
                    response["Allow"] = ", ".join(methods)
                    return response
                body = _read_body(request, max_body) if request.method == "POST" else b""
                scanner = authenticate(request, defer_device=defer_device)
                if isinstance(scanner, JsonResponse):
                    return scanner
                data = _parse_json(body) if request.method == "POST" else None
                return view(request, scanner, data, *args, **kwargs)
            except EventsError as exc:  # CheckInError and the registration's errors alike
                response = domain_error_json(exc)
                if retry_after := getattr(exc, "retry_after", None):
                    response["Retry-After"] = str(retry_after)
                return response
            except DATABASE_ERRORS:  # the database is down: 503, the scanner goes offline
                return unavailable_response(request)
            except Exception:  # a bug: still JSON for the scanner, and logged for us
                logger.exception("check-in API failed")
                return json_error("server_error", _("Something went wrong. Try again."), 500)

        return wrapper

    return decorator


class _TooLarge(CheckInError):
    code = "too_large"
    http_status = 413

    def __init__(self):
        super().__init__(_("The request is too large."))


def _read_body(request: HttpRequest, max_body: int = MAX_BODY) -> bytes:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_body:
        raise _TooLarge()
    body = request.body  # cached on the request: the CSRF check may still read request.POST
    if len(body) > max_body:
        raise _TooLarge()
    return body


def _parse_json(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadCheckInRequest(_("The body must be a JSON object.")) from exc
    if not isinstance(data, dict):
        raise BadCheckInRequest(_("The body must be a JSON object."))
    return data


# --- Field readers: a wrong type is a 400 with the field's name ---------------------------------


def _id(data: dict, field: str, *, required: bool = True) -> int | None:
    value = data.get(field)
    if value is None and not required:
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise BadCheckInRequest(_("“%(field)s” must be a positive integer.") % {"field": field})
    return value


def _text(data: dict, field: str, *, max_length: int, default: str = "") -> str:
    value = data.get(field, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise BadCheckInRequest(_("“%(field)s” must be text.") % {"field": field})
    if len(value) > max_length:
        raise BadCheckInRequest(
            _("“%(field)s” is too long (%(max)d characters at most).")
            % {"field": field, "max": max_length}
        )
    return printable(value.strip(), max_length)


def _scan_options(data: dict) -> dict[str, Any]:
    kind = data.get("kind", CheckInKind.ENTRY) or CheckInKind.ENTRY
    if not isinstance(kind, str) or kind not in KINDS:
        raise BadCheckInRequest(_("“kind” must be “entry” or “exit”."))
    nonce = data.get("nonce") or ""
    if not isinstance(nonce, str) or (nonce and not NONCE_RE.fullmatch(nonce)):
        raise BadCheckInRequest(
            _("“nonce” must be up to 64 letters, digits, dots, colons, dashes or underscores.")
        )
    return {
        "list_id": _id(data, "list"),
        "kind": kind,
        "nonce": nonce,
        "gate": _text(data, "gate", max_length=40),
    }


# --- Endpoints ------------------------------------------------------------------------------


@api_view(("POST",), defer_device=True)
def checkin(request, scanner: Scanner, data: dict) -> JsonResponse:
    """``POST /api/checkin/`` ``{"token", "list", "nonce"?, "kind"?, "gate"?}``."""
    token = data.get("token")
    if token is not None and not isinstance(token, str):
        token = None  # a number, a list, an object: not a badge; answered "invalid" and logged
    answer = checkin_scan(scanner=scanner, token=token or "", **_scan_options(data))
    return JsonResponse(answer)


@api_view(("POST",), defer_device=True)
def checkin_manual(request, scanner: Scanner, data: dict) -> JsonResponse:
    """``POST /api/checkin/manual/`` ``{"registration", "list", ...}``: check in a guest found
    by search (the search never hands out badge tokens). Same answer as a scan."""
    answer = checkin_scan(
        scanner=scanner,
        registration_id=_id(data, "registration"),
        method=CheckInMethod.MANUAL,
        **_scan_options(data),
    )
    return JsonResponse(answer)


@api_view(("POST",))
def annul(request, scanner: Scanner, data: dict) -> JsonResponse:
    """``POST /api/checkin/annul/`` ``{"checkin": id, "reason": str}``: undo a check-in."""
    checkin_id = _id(data, "checkin")
    reason = _text(data, "reason", max_length=200)
    if not reason:
        raise BadCheckInRequest(_("Give a reason for the undo."))
    undone = checkin_annul(checkin_id=checkin_id, scanner=scanner, reason=reason)
    return JsonResponse(
        {
            "status": "ok",
            "reason": None,
            "message": _("Check-in undone."),
            "checkin": undone.pk,
            "annulled_at": undone.annulled_at.isoformat(),
            "annul_reason": undone.annul_reason,
        }
    )


def _list_for(scanner: Scanner, list_id) -> CheckInList:
    checkin_list = CheckInList.objects.select_related("event").filter(pk=list_id).first()
    if checkin_list is None:
        raise CheckInListNotFound()
    if not scanner.may_use(checkin_list.event_id):
        raise CheckInForbidden()
    return checkin_list


@api_view(("GET",))
def search(request, scanner: Scanner, data: None) -> JsonResponse:
    """``GET /api/checkin/search/?list=<id>&q=<text>``: accent-blind search for a guest whose
    badge is missing. A key to the door, not to the attendee list: at least
    ``SEARCH_MIN_CHARS`` letters or digits, at most ``SEARCH_LIMIT`` results (``more`` tells
    that there were others), ``CHECKIN_SEARCH_RATE_LIMIT`` searches per scanner (then 429
    ``rate_limited`` with ``Retry-After``), never a badge token."""
    scanner_throttle(scanner=scanner, scope="search", limit=settings.CHECKIN_SEARCH_RATE_LIMIT)
    list_id = _id(request.GET, "list")
    query = _text(request.GET, "q", max_length=100)
    if len(fold(query).replace(" ", "")) < SEARCH_MIN_CHARS:
        raise SearchTooShort()
    checkin_list = _list_for(scanner, list_id)
    results = checkin_search(checkin_list=checkin_list, query=query, limit=SEARCH_LIMIT + 1)
    return JsonResponse(
        {
            "status": "ok",
            "query": query,
            "results": [search_result_data(r) for r in results[:SEARCH_LIMIT]],
            "more": len(results) > SEARCH_LIMIT,
        }
    )


@api_view(("GET",))
def list_stats(request, scanner: Scanner, data: None, list_id: int) -> JsonResponse:
    """``GET /api/checkin/lists/<id>/stats/``."""
    checkin_list = _list_for(scanner, list_id)
    return JsonResponse({"status": "ok", **checkin_list_stats(checkin_list=checkin_list)})


@api_view(("GET",))
def lists(request, scanner: Scanner, data: None) -> JsonResponse:
    """``GET /api/checkin/lists/``: the events and lists this scanner may use (scanner set-up)."""
    events = scanner_lists(event_id=scanner.event_id)
    device = Device.objects.filter(pk=scanner.device_id).first() if scanner.device_id else None
    if device is not None and device.kiosk and (chosen := kiosk_lists(device)):
        for event in events:  # a kiosk offers only the lists the organizer chose for it
            event["lists"] = [item for item in event["lists"] if item["id"] in chosen]
    if device is not None:
        name = device.name
    else:
        name = request.user.get_full_name() or request.user.get_username()
    return JsonResponse(
        {
            "status": "ok",
            "device": scanner.is_device,
            # Shown as the scanner's title: which phone this is, or who is signed in.
            "name": name,
            # A self check-in kiosk: the scanner turns into the guests' screen.
            "kiosk": bool(device and device.kiosk),
            "events": events,
        }
    )


@api_view(("GET",))
def event_stats(request, scanner: Scanner, data: None, event_id: int) -> JsonResponse:
    """``GET /api/checkin/events/<id>/stats/``: the live arrivals board as JSON."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        raise CheckInEventNotFound()
    if not scanner.may_use(event.pk):
        raise CheckInForbidden()
    return JsonResponse({"status": "ok", **event_arrivals(event=event)})


@csrf_exempt
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other address under /api/: a JSON 404, not the site's HTML page."""
    return json_error("not_found", _("No such API endpoint."), status=404)


@api_view(("POST",))
def walkin(request, scanner: Scanner, data: dict) -> JsonResponse:
    """``POST /api/checkin/walkins/`` ``{"list", "category", "full_name", "email", "phone"?,
    "organization"?, "title"?, "language"?, "gate"?, "nonce"?, "answers"?}``: register a guest
    at the door and check them in. Answers the registration (with its badge's URL) and the
    check-in."""
    options = _scan_options(data)
    registration, answer = checkin_walkin(
        scanner=scanner,
        list_id=options["list_id"],
        category_id=_id(data, "category"),
        full_name=_text(data, "full_name", max_length=120),
        email=_text(data, "email", max_length=254),
        phone=_text(data, "phone", max_length=30),
        organization=_text(data, "organization", max_length=200),
        title=_text(data, "title", max_length=200),
        language=_text(data, "language", max_length=5, default="vi"),
        gate=options["gate"],
        nonce=options["nonce"],
        created_by=request.user if scanner.user_id else None,
        answers=_answers(data),
    )
    admitted = answer is not None and answer["status"] == "ok"
    return JsonResponse(
        {
            "status": "ok",
            "reason": None,
            "message": _walkin_message(registration, answer),
            "admitted": admitted,
            "registration": {
                **registration_data(registration),
                # Only a guest let in gets a badge (the badge endpoint refuses the others).
                "badge_url": reverse("api:checkin_badge", args=[registration.pk])
                if admitted
                else None,
            },
            "checkin": answer,
        }
    )


def _answers(data: dict) -> dict:
    """The walk-in's ``answers`` (``{question key: text, list of choice keys or true/false}``);
    anything else is no answer (the service then asks for the required ones)."""
    answers = data.get("answers")
    if not isinstance(answers, dict):
        return {}
    return {
        str(key)[:50]: value
        for key, value in list(answers.items())[:100]
        if isinstance(value, str | bool | int | float)
        or (isinstance(value, list) and all(isinstance(item, str) for item in value))
    }


def _walkin_message(registration: Registration, answer: dict | None) -> str:
    """What the door says of a walk-in: let in, or registered but not admitted (and why)."""
    if answer is not None:
        return answer["message"]
    if registration.status == RegistrationStatus.WAITLISTED:
        return _("Waitlisted: the category is full. Not admitted.")
    if registration.status == RegistrationStatus.PENDING_APPROVAL:
        return _("Registered, waiting for approval: not admitted yet.")
    return str(registration.get_status_display())


@api_view(("GET",))
def badge(request, scanner: Scanner, data: None, registration_id: int) -> HttpResponse:
    """``GET /api/checkin/registrations/<id>/badge.pdf``: the A6 badge (its QR is the live
    badge secret), to print at the door. A device gets only the badge of a walk-in it
    registered itself in the last ``WALKIN_BADGE_HOURS``; staff need the badge permission
    (``events.change_registration``). Anything else is "not found", whatever the id."""
    registration = (
        Registration.objects.select_related("event", "category").filter(pk=registration_id).first()
    )
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        raise BadgeNotFound()
    if scanner.device_id:
        allowed = (
            registration.created_by_device_id == scanner.device_id
            and registration.created_at > timezone.now() - WALKIN_BADGE_AGE
        )
    else:
        allowed = request.user.has_perm(MANAGE_PERMISSION)
    if not allowed or not scanner.may_use(registration.event_id):
        raise BadgeNotFound()
    return badge_pdf_response(registration)


# --- Offline-first scanning (events/checkin/sync.py) -----------------------------------------

#: Scans in one upload, and its body: a queue is sent in chunks of at most this many.
BATCH_MAX_SCANS = 200
BATCH_MAX_BODY = 128 * 1024


def _gzip_json(request: HttpRequest, data: dict) -> HttpResponse:
    """A large JSON answer, gzipped when the client accepts it (a snapshot of 10,000 guests is
    about a quarter of its size so; the device API's lean stack has no GZipMiddleware)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    response = HttpResponse(body, content_type="application/json")
    if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "") and len(body) > 1024:
        response.content = gzip.compress(body, compresslevel=5)
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


@api_view(("GET",))
def list_snapshot(request, scanner: Scanner, data: None, list_id: int) -> HttpResponse:
    """``GET /api/checkin/lists/<id>/snapshot/``: what a scanner needs to decide scans offline
    (``sync.checkin_list_snapshot``): hashed badge tokens, names, statuses, entries; never a
    token, an email or a phone number."""
    checkin_list = _list_for(scanner, list_id)
    return _gzip_json(request, checkin_list_snapshot(checkin_list=checkin_list, scanner=scanner))


@api_view(("GET",))
def list_changes(request, scanner: Scanner, data: None, list_id: int) -> HttpResponse:
    """``GET /api/checkin/lists/<id>/changes/?since=<cursor>``: the snapshot's rows changed
    since the cursor of an earlier snapshot or change answer, and the next cursor."""
    since = parse_cursor(request.GET.get("since"))
    checkin_list = _list_for(scanner, list_id)
    return _gzip_json(
        request, checkin_list_changes(checkin_list=checkin_list, scanner=scanner, since=since)
    )


def _batch_scan(item) -> BatchScan:
    """One queued scan of a batch, read like a single scan; a wrong field raises
    BadCheckInRequest (the whole batch is refused: the device sent something malformed)."""
    if not isinstance(item, dict):
        raise BadCheckInRequest(_("Each scan must be a JSON object."))
    options = _scan_options(item)
    if not options["nonce"]:
        raise BadCheckInRequest(_("Each queued scan needs its “nonce”."))
    moment = item.get("time")
    at = parse_datetime(moment) if isinstance(moment, str) and len(moment) <= 40 else None
    if at is None or timezone.is_naive(at):
        raise BadCheckInRequest(_("“time” must be a date and time with its time zone."))
    token = item.get("token")
    registration_id = _id(item, "registration", required=False)
    if registration_id is None and not isinstance(token, str):
        raise BadCheckInRequest(_("Each scan needs a “token” or a “registration”."))
    answer = item.get("offline_answer") or ""
    return BatchScan(
        at=at,
        token=printable(token, 100) if isinstance(token, str) else None,
        registration_id=registration_id,
        offline_answer=answer if isinstance(answer, str) else "",
        **options,
    )


@api_view(("POST",), max_body=BATCH_MAX_BODY)
def batch(request, scanner: Scanner, data: dict) -> JsonResponse:
    """``POST /api/checkin/batch/`` ``{"scans": [{"nonce", "time", "list", "token" or
    "registration", "kind"?, "gate"?, "offline_answer"?}, …]}``: the scans a device decided
    offline, answered in order (``sync.checkin_batch``)."""
    scans = data.get("scans")
    if not isinstance(scans, list) or not scans:
        raise BadCheckInRequest(_("“scans” must be a list of scans."))
    if len(scans) > BATCH_MAX_SCANS:
        raise BadCheckInRequest(
            _("Send at most %(max)d scans at a time.") % {"max": BATCH_MAX_SCANS}
        )
    answers = checkin_batch(scanner=scanner, scans=[_batch_scan(item) for item in scans])
    return JsonResponse({"status": "ok", "results": answers})


# --- Self check-in kiosk (events/checkin/kiosk.py) ---------------------------------------------


@api_view(("POST",))
def kiosk(request, scanner: Scanner, data: dict) -> JsonResponse:
    """``POST /api/checkin/kiosk/`` ``{"list", "token"}`` or ``{"list", "email", "code"}`` (and
    ``"nonce"``): a guest checks themselves in at a kiosk. The door's answer, with
    ``print_ticket`` for a guest whose badge may be printed there."""
    token = data.get("token")
    answer = kiosk_checkin(
        scanner=scanner,
        list_id=_id(data, "list"),
        token=(token if isinstance(token, str) else "") if "token" in data else None,
        email=_text(data, "email", max_length=254),
        code=_text(data, "code", max_length=20),
        nonce=_scan_options(data)["nonce"],
    )
    return JsonResponse(answer)


@api_view(("POST",))
def kiosk_print(request, scanner: Scanner, data: dict) -> JsonResponse:
    """``POST /api/checkin/kiosk/print/`` ``{"ticket"}``: print the badge of the guest just
    checked in (counted and logged: ``kiosk_badge_print``); answers the printable page's URL."""
    ticket = _text(data, "ticket", max_length=500)
    registration = kiosk_badge_print(scanner=scanner, ticket=ticket)
    return JsonResponse(
        {
            "status": "ok",
            "reason": None,
            "url": reverse("events:checkin_kiosk_badge", args=[ticket]),
            "prints": registration.badge_prints,
        }
    )
