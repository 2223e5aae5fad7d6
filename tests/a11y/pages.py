"""The pages checked by axe-core and the Nu Html Checker: THE list. A new page is added here once.

Each page names who looks at it (a role: a browser context with its own session), a path built
from the demo scene, and what to do before checking it (submit a form empty to see its errors,
wait for a script to finish)."""

from collections.abc import Callable
from dataclasses import dataclass

VISITOR, GUEST, EXHIBITOR = "visitor", "guest", "exhibitor"
ORGANIZER, DEVICE = "organizer", "device"


@dataclass(frozen=True)
class AuditPage:
    name: str
    #: The path, or a function of the scene (tests/a11y/scene.py) that gives it.
    path: str | Callable
    role: str = VISITOR
    #: A CSS selector of a submit button pressed (form empty) before the check: the error state.
    submit: str | None = None
    #: A CSS selector waited for before the check (pages that fill themselves with a script).
    ready: str | None = None

    def url(self, scene) -> str:
        return self.path(scene) if callable(self.path) else self.path


def _register(suffix: str = "", language: str = "") -> Callable:
    return lambda scene: f"{language}/register/{scene.event.slug}/{suffix}"


def _manage(suffix: str = "") -> Callable:
    return lambda scene: f"/registration/{scene.registration.manage_secret}/{suffix}"


PAGES: list[AuditPage] = [
    # The public site (Wagtail pages and routes), Vietnamese then English.
    AuditPage("home", "/"),
    AuditPage("forum", "/dien-dan-2023/"),
    AuditPage("agenda", "/dien-dan-2023/chuong-trinh/"),
    AuditPage("session", lambda s: s.session_url),
    AuditPage("speakers", "/dien-dan-2023/dien-gia/"),
    AuditPage("speaker", lambda s: s.speaker_url),
    AuditPage("exhibition page", "/dien-dan-2023/trien-lam/"),
    AuditPage("standard page", "/dien-dan-2023/gioi-thieu/"),
    AuditPage("faq", "/dien-dan-2023/hoi-dap/"),
    AuditPage("news index", "/tin-tuc/"),
    AuditPage("news", "/tin-tuc/dien-dan-chuyen-doi-so-hai-phong-2023/"),
    AuditPage("search", "/tim-kiem/?q=du+lieu"),
    AuditPage("not found", "/khong-co-trang-nay/"),
    AuditPage("home en", "/en/"),
    AuditPage("agenda en", "/en/forum-2023/agenda/"),
    AuditPage("session en", lambda s: s.session_url_en),
    AuditPage("search en", "/en/tim-kiem/?q=data"),
    # Registration and the guest's manage pages.
    AuditPage("register", _register()),
    AuditPage("register errors", _register(), submit="form.form [type=submit]"),
    AuditPage("register en", _register(language="/en")),
    AuditPage("register sent", _register("sent/")),
    AuditPage("manage", _manage(), GUEST),
    AuditPage("manage edit", _manage("edit/"), GUEST),
    AuditPage("manage cancel", _manage("cancel/"), GUEST),
    AuditPage("manage consent", _manage("consent/"), GUEST),
    AuditPage(
        "manage consent errors", _manage("consent/"), GUEST, submit="form.form [type=submit]"
    ),
    AuditPage("manage delete", _manage("delete/"), GUEST),
    AuditPage("unsubscribe", lambda s: f"/unsubscribe/{s.unsubscribe_token}/"),
    AuditPage("unsubscribe en", lambda s: f"/en/unsubscribe/{s.unsubscribe_token}/"),
    AuditPage("unsubscribe bad link", "/unsubscribe/1:forged/"),
    AuditPage("certificate verify", lambda s: f"/verify/{s.certificate_code}/"),
    AuditPage("certificate verify en", lambda s: f"/en/verify/{s.certificate_code}/"),
    AuditPage("privacy", "/privacy/"),
    AuditPage("privacy en", "/en/privacy/"),
    # The exhibition and the exhibitors' pages.
    AuditPage("floor plan", lambda s: f"/exhibition/{s.event.slug}/", ready=".floor-plan"),
    AuditPage("booth", lambda s: f"/exhibition/{s.event.slug}/booths/{s.free_booth}/"),
    AuditPage("directory", lambda s: f"/exhibition/{s.event.slug}/exhibitors/"),
    AuditPage("exhibitor signup", "/exhibitor/signup/"),
    AuditPage("exhibitor signup errors", "/exhibitor/signup/", submit="main form [type=submit]"),
    AuditPage("exhibitor login", "/exhibitor/login/"),
    AuditPage("exhibitor password reset", "/exhibitor/password/reset/"),
    AuditPage(
        "exhibitor password reset errors",
        "/exhibitor/password/reset/",
        submit="main form [type=submit]",
    ),
    AuditPage("exhibitor password reset bad link", "/exhibitor/password/reset/MQ/0-0/"),
    AuditPage("exhibitor dashboard", "/exhibitor/", EXHIBITOR),
    AuditPage("exhibitor company", "/exhibitor/company/", EXHIBITOR),
    AuditPage("exhibitor members", "/exhibitor/members/", EXHIBITOR),
    AuditPage("exhibitor booking", lambda s: f"/exhibitor/bookings/{s.booking.pk}/", EXHIBITOR),
    AuditPage("exhibitor leads", "/exhibitor/leads/", EXHIBITOR),
    AuditPage("exhibitor lead scan", "/exhibitor/leads/scan/", EXHIBITOR),
    AuditPage("exhibitor lead", lambda s: f"/exhibitor/leads/{s.lead.pk}/", EXHIBITOR),
    # The door: the scanner (a paired device) and the arrivals board (an organizer).
    AuditPage("scanner", "/checkin/", DEVICE, ready="#scanner[data-state='ready']"),
    AuditPage("arrivals index", "/checkin/arrivals/", ORGANIZER),
    AuditPage("arrivals board", lambda s: f"/checkin/arrivals/{s.event.pk}/", ORGANIZER),
    # The badge a self check-in kiosk prints (its ticket is the key).
    AuditPage("kiosk badge", lambda s: f"/checkin/kiosk/badge/{s.kiosk_ticket}/"),
]

VIEWPORTS = [(390, 844), (1366, 768)]
