"""The event, its attendee categories and registrations."""

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.leases import LeasedJob
from core.localized import localized_text
from core.text import fold
from events.enums import LIVE_STATUSES, DataBasis, Language, PurgeReason, RegistrationStatus

__all__ = [
    "Event",
    "AttendeeCategory",
    "Registration",
    "Invitation",
    "InvitationImport",
    "BadgeBatch",
    "new_token",
    "new_badge_token",
    "checkin_code",
    "new_invitation_code",
]


def new_token() -> str:
    """An opaque, URL-safe random secret of 192 bits (manage links)."""
    return secrets.token_urlsafe(24)


def new_badge_token() -> str:
    """The badge's QR secret: 160 random bits in base32 (32 characters of A–Z and 2–7, URL-safe).
    Upper-case base32 is QR "alphanumeric": the code is version 2 (25 modules) where a
    base64 token of as many bits needs version 3, so the modules are larger (easier to scan) and
    the badge renders faster."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


#: The self check-in code's letters: no 0/O, 1/I (read aloud, typed on a tablet).
CHECKIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CHECKIN_CODE_BITS = 30  # six characters of 32


def checkin_code(registration_id: int) -> str:
    """The 6-character code a guest types at the kiosk with their email (printed in the
    confirmation email): the registration's id through a keyed permutation of 30 bits (a
    four-round Feistel network, its rounds HMAC-SHA256 under a key derived from SECRET_KEY),
    written in ``CHECKIN_CODE_ALPHABET``. Two ids give two codes, so a code is unique per
    event (and in the whole database, for ids below 2^30); nobody can tell one guest's code
    from another's id. Changing SECRET_KEY changes every code. Side effects: none."""
    key = hmac.new(settings.SECRET_KEY.encode(), b"forumhall.checkin-code", hashlib.sha256)
    half, mask = CHECKIN_CODE_BITS // 2, (1 << CHECKIN_CODE_BITS // 2) - 1
    value = registration_id % (1 << CHECKIN_CODE_BITS)
    left, right = value >> half, value & mask
    for round_number in range(4):
        mac = key.copy()
        mac.update(f"{round_number}:{right}".encode())
        left, right = right, left ^ (int.from_bytes(mac.digest()[:4], "big") & mask)
    value = (left << half) | right
    return "".join(CHECKIN_CODE_ALPHABET[(value >> shift) & 31] for shift in range(25, -1, -5))


class Event(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    theme = models.CharField(_("theme"), max_length=255, blank=True)
    theme_en = models.CharField(_("theme (English)"), max_length=255, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    venue_en = models.CharField(_("venue (English)"), max_length=255, blank=True)
    venue_address = models.CharField(
        _("venue address"),
        max_length=255,
        blank=True,
        help_text=_("Street and number, ward or district; the city goes below."),
    )
    venue_address_en = models.CharField(_("venue address (English)"), max_length=255, blank=True)
    venue_locality = models.CharField(_("city"), max_length=100, blank=True)
    venue_region = models.CharField(_("province or region"), max_length=100, blank=True)
    venue_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    venue_country = models.CharField(
        _("country"), max_length=2, blank=True, default="VN", help_text=_("ISO 3166 code, e.g. VN.")
    )
    map_url = models.URLField(_("map link"), blank=True)
    reminder_enabled = models.BooleanField(
        _("reminder the day before"),
        default=True,
        help_text=_(
            "Email every confirmed guest a reminder (badge, time, venue, map link) the day "
            "before the event."
        ),
    )
    organizer = models.CharField(_("organizer"), max_length=255, blank=True)
    organizer_en = models.CharField(_("organizer (English)"), max_length=255, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit for the whole event.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens at"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(
        _("registration closes at"), null=True, blank=True
    )
    retention_days = models.PositiveIntegerField(
        _("keep personal data for (days)"),
        default=180,
        help_text=_(
            "Days after the event ends; then the attendees' names, emails, phones and answers "
            "are anonymised (counts and statistics stay)."
        ),
    )
    #: When the retention purge last anonymised this event's personal data.
    personal_data_purged_at = models.DateTimeField(
        _("personal data purged at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def full_address(self) -> str:
        """The venue's address on one line in the active language: street, city (what people
        read)."""
        parts = (localized_text(self, "venue_address"), self.venue_locality)
        return ", ".join(part for part in parts if part)

    @property
    def personal_data_purge_at(self):
        """When the retention period ends: the personal data is anonymised from then on."""
        return self.ends_at + timedelta(days=self.retention_days)

    def registration_is_open(self, now=None) -> bool:
        """Open from ``registration_opens_at`` (if set) until ``registration_closes_at`` if set,
        otherwise until the event ends."""
        now = now or timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        if self.registration_closes_at:
            return now < self.registration_closes_at
        return now < self.ends_at


class AttendeeCategory(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="categories", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=80)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Unticked: only with an invitation code.")
    )
    needs_approval = models.BooleanField(_("needs approval"), default=False)
    badge_colour = models.CharField(
        _("badge colour"),
        max_length=7,
        default="#1d4ed8",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour such as #1d4ed8."))],
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("attendee category")
        verbose_name_plural = _("attendee categories")
        ordering = ["event", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="category_slug_unique_per_event")
        ]

    def __str__(self) -> str:
        return self.name


class Registration(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    category = models.ForeignKey(
        AttendeeCategory,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("attendee category"),
    )
    full_name = models.CharField(_("full name"), max_length=120)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    title = models.CharField(_("position"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.VI
    )
    needs = models.TextField(_("accessibility or dietary needs"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING_EMAIL,
        db_index=True,
    )
    token = models.CharField(_("badge token"), max_length=64, unique=True, default=new_badge_token)
    manage_secret = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    search_key = models.CharField(max_length=600, editable=False, db_index=True)
    #: Why we hold the data: the guest's own consent, or the organizer, the door or an
    #: exhibitor registered them (they have not consented until they say so on the manage page).
    data_basis = models.CharField(
        _("basis of the personal data"),
        max_length=12,
        choices=DataBasis.choices,
        default=DataBasis.SELF,
        editable=False,
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    #: The version of the consent text the guest agreed to (``events.privacy.CONSENT_VERSION``).
    consent_version = models.CharField(
        _("consent text version"), max_length=20, blank=True, editable=False
    )
    #: Set when the personal data was anonymised (the retention purge or an erasure request).
    purged_at = models.DateTimeField(_("personal data deleted at"), null=True, blank=True)
    purge_reason = models.CharField(
        _("why the personal data was deleted"),
        max_length=10,
        choices=PurgeReason.choices,
        blank=True,
        editable=False,
    )
    share_with_exhibitors = models.BooleanField(
        _("share contact details with exhibitors"), default=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    email_confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    badge_issued_at = models.DateTimeField(_("badge issued at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The scanning device that registered this guest at the door (its badge may print there).
    created_by_device = models.ForeignKey(
        "events.Device",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,
    )
    #: Badges printed at a self check-in kiosk (reprints count too; each is in the activity log).
    badge_prints = models.PositiveIntegerField(
        _("badges printed at a kiosk"), db_default=0, default=0, editable=False
    )
    #: Set when the guest unsubscribed (the link of an announcement): they get only the emails
    #: about their own registration from then on.
    unsubscribed_at = models.DateTimeField(
        _("unsubscribed from announcements at"), null=True, blank=True, editable=False
    )
    #: Set when the day-before reminder was queued (once per registration).
    reminder_queued_at = models.DateTimeField(
        _("reminder queued at"), null=True, blank=True, editable=False
    )
    #: When the row last changed (set on every save; bulk ``update()`` calls set it too): the
    #: offline scanners' change feed (``events.checkin.sync``) reads what changed since a cursor.
    changed_at = models.DateTimeField(_("changed at"), auto_now=True, editable=False)
    #: The answers to the event's own questions (``RegistrationQuestion``): ``{"q<question id>":
    #: value}``, a value being text (a choice's key, a date as YYYY-MM-DD, a phone as +84…), a
    #: list of choice keys, true/false or a number. Cleared by the retention purge.
    answers = models.JSONField(_("answers"), default=dict, blank=True, editable=False)
    #: The key of the public form that made it (a hidden field, made when the form is shown):
    #: the same form sent again finds this registration instead of making a second one.
    idempotency_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "event",
                condition=models.Q(status__in=LIVE_STATUSES),
                name="one_live_registration_per_email_and_event",
            ),
            models.UniqueConstraint(
                fields=["event", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="one_registration_per_form_key_and_event",
            ),
            models.CheckConstraint(
                condition=models.Q(purged_at__isnull=True, purge_reason="")
                | models.Q(purged_at__isnull=False) & ~models.Q(purge_reason=""),
                name="registration_purged_with_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "status"], name="registration_cat_status"),
            models.Index(fields=["event", "changed_at"], name="registration_event_changed"),
        ]
        permissions = [("manage_registration", "Can approve, cancel and reissue registrations")]

    def __str__(self) -> str:
        if self.purged_at is not None:
            return "#%s (%s)" % (self.pk, _("anonymised"))  # noqa: UP031 (xgettext reads it)
        return f"{self.full_name} <{self.email}>"

    def save(self, *args, **kwargs):
        self.refresh_search_key()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key", "changed_at"}
        super().save(*args, **kwargs)

    @property
    def checkin_code(self) -> str:
        """The self check-in code of the confirmation email (``checkin_code``)."""
        return checkin_code(self.pk)

    def refresh_search_key(self) -> None:
        """Fold name, email, organization and phone for accent-blind search."""
        self.search_key = fold(
            " ".join([self.full_name, self.email, self.organization, self.phone])
        )[:600]


def new_invitation_code() -> str:
    """A short code that is easy to type: 10 characters of an unambiguous alphabet (50 bits)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class InvitationImport(models.Model):
    """One upload of a CSV of invited guests, with the report of every row."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitation_imports")
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_count = models.PositiveIntegerField(_("registrations created"), default=0)
    skipped_count = models.PositiveIntegerField(_("rows already imported"), default=0)
    rejected_count = models.PositiveIntegerField(_("rows rejected"), default=0)
    report = models.JSONField(_("report"), default=list, blank=True)

    class Meta:
        verbose_name = _("invitation import")
        verbose_name_plural = _("invitation imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class Invitation(models.Model):
    """An invitation to an (often invitation-only) category. Its code, typed in the public form or
    used by an import, unlocks the category once."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("event")
    )
    category = models.ForeignKey(
        AttendeeCategory,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("attendee category"),
    )
    code = models.CharField(_("code"), max_length=32, unique=True, default=new_invitation_code)
    full_name = models.CharField(_("full name"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    registration = models.OneToOneField(
        Registration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
        verbose_name=_("registration"),
    )
    source = models.ForeignKey(
        InvitationImport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
        verbose_name=_("import"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} ({self.category})"

    def clean(self):
        if self.event_id and self.category_id and self.category.event_id != self.event_id:
            raise ValidationError(
                {"category": _("Choose an attendee category of this invitation's event.")}
            )


def badge_batch_path(instance: "BadgeBatch", filename: str) -> str:
    return f"badges/{instance.event_id}/{secrets.token_urlsafe(12)}/{filename}"


class BadgeBatch(LeasedJob):
    """A PDF of A4 sheets, four A6 badges each, built by a background task that holds a lease
    on the row (``core.leases``): a batch whose worker died is taken up again."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="badge_batches", verbose_name=_("event")
    )
    category = models.ForeignKey(
        AttendeeCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("category"),
    )
    registration_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("badges"), default=0)
    done = models.PositiveIntegerField(_("badges done"), default=0)
    file = models.FileField(_("file"), upload_to=badge_batch_path, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("badge sheet")
        verbose_name_plural = _("badge sheets")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.category or _('selection')} · {self.total}"

    @property
    def progress_percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)

    @property
    def may_retry(self) -> bool:
        """Failed, or stuck (building under a lapsed lease: its worker died)."""
        return self.status == self.Status.FAILED or (
            self.status == self.Status.RUNNING and self.lease_lapsed
        )
