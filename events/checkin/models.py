"""Check-in models: CheckInList, CheckIn (an append-only log), ScanLog and Device."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.enums import CheckInKind, CheckInMethod, ScanResult
from events.models.registration import AttendeeCategory, Event, Registration

__all__ = [
    "CheckInList",
    "CheckIn",
    "ScanLog",
    "Device",
    "device_token_hash",
    "new_device_token",
    "window_is_open",
]

#: Device tokens start with this, so that a leaked one is easy to recognise (and grep for).
DEVICE_TOKEN_PREFIX = "fhd_"  # noqa: S105 (a prefix, not a secret)


def new_device_token() -> str:
    """A fresh device secret: 256 random bits, URL-safe. Only its hash is stored."""
    return DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(32)


def device_token_hash(token: str) -> str:
    """SHA-256 of a device token. The token has 256 random bits: no salt or slow hash needed."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def window_is_open(opens_at, closes_at, now) -> bool:
    """Whether a check-in list open from ``opens_at`` to ``closes_at`` (either may be unset)
    admits at ``now``."""
    if opens_at and now < opens_at:
        return False
    return not (closes_at and now >= closes_at)


class CheckInList(models.Model):
    """A place or moment guests are admitted to: the main hall, the exhibition, lunch."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="checkin_lists", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=120)
    categories = models.ManyToManyField(
        AttendeeCategory,
        blank=True,
        related_name="checkin_lists",
        verbose_name=_("categories admitted"),
        help_text=_("Empty: every category of the event is admitted."),
    )
    allow_reentry = models.BooleanField(
        _("re-entry allowed"),
        default=False,
        help_text=_(
            "Unticked: a badge is admitted once; a second scan answers “already checked in”."
        ),
    )
    opens_at = models.DateTimeField(_("open from"), null=True, blank=True)
    closes_at = models.DateTimeField(_("open until"), null=True, blank=True)
    gates = models.CharField(
        _("gates"),
        max_length=255,
        blank=True,
        help_text=_("Comma-separated, offered on the scanner: “Cổng 1, Cổng 2”."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    counts_for_certificate = models.BooleanField(
        _("counts for the certificate of attendance"),
        default=False,
        help_text=_("Ticked: guests who entered through this list get a certificate."),
    )

    class Meta:
        verbose_name = _("check-in list")
        verbose_name_plural = _("check-in lists")
        ordering = ["event", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="checkin_list_name_per_event"),
            models.CheckConstraint(
                condition=models.Q(closes_at__isnull=True)
                | models.Q(opens_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="checkin_list_closes_after_opening",
                violation_error_code="closes_before_opening",
                violation_error_message=_("The list must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def gate_names(self) -> list[str]:
        return [gate.strip() for gate in self.gates.split(",") if gate.strip()]

    def is_open(self, now=None) -> bool:
        return window_is_open(self.opens_at, self.closes_at, now or timezone.now())


class Device(models.Model):
    """A named scanner (phone, tablet, laptop) with a secret token, limited to one event."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="devices", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField(_("token starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    may_register_walkins = models.BooleanField(
        _("may register walk-ins"),
        default=False,
        help_text=_(
            "Ticked: this device may register guests at the door (public categories only, a few"
            " an hour)."
        ),
    )
    kiosk = models.BooleanField(
        _("self check-in kiosk"),
        default=False,
        help_text=_(
            "Ticked: this device is a kiosk where guests check themselves in (their QR code, or"
            " their email and the code of their confirmation email) and print their badge."
        ),
    )
    kiosk_lists = models.ManyToManyField(
        CheckInList,
        blank=True,
        related_name="kiosks",
        verbose_name=_("kiosk's lists"),
        help_text=_("The lists a kiosk checks guests in to. Empty: every list of its event."),
    )
    expires_at = models.DateTimeField(
        _("works until"),
        null=True,
        blank=True,
        help_text=_("After this moment the device is refused, as if revoked."),
    )
    #: Updated at most once a minute by the API (scans show in the check-in and scan logs).
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    #: Requests refused for going over a rate limit: a stolen key being used shows here.
    throttled_count = models.PositiveIntegerField(
        _("throttled requests"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("scanning device")
        verbose_name_plural = _("scanning devices")
        ordering = ["event", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class CheckIn(models.Model):
    """One entry or exit of a badge on a list. Rows are only ever added; an undo stamps the row
    as annulled (who, when, why) and never deletes it."""

    # Few indexes: each one is written on every scan. (registration, list, id) and (list, time)
    # below serve the lookups by registration and by list; the FKs to users and devices are
    # only followed when one is deleted, which is rare and may scan the table.
    #: Deleting a registration (an erasure request) deletes its entries with it.
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="checkins",
        verbose_name=_("registration"),
        db_index=False,
    )
    checkin_list = models.ForeignKey(
        CheckInList,
        on_delete=models.PROTECT,
        related_name="checkins",
        verbose_name=_("list"),
        db_index=False,
    )
    kind = models.CharField(
        _("kind"), max_length=5, choices=CheckInKind.choices, default=CheckInKind.ENTRY
    )
    #: True for an entry on a list without re-entry: the constraint below admits one such live row.
    single_entry = models.BooleanField(default=False, editable=False)
    method = models.CharField(
        _("method"), max_length=8, choices=CheckInMethod.choices, default=CheckInMethod.SCAN
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    gate = models.CharField(_("gate"), max_length=40, blank=True)
    #: "<who>:<nonce>", unique: the same nonce from the same scanner gets the first answer back.
    nonce_key = models.CharField(max_length=100, null=True, blank=True, editable=False)
    #: The answer given for this check-in (replayed for a repeated nonce).
    response = models.JSONField(_("answer"), default=dict, editable=False)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by user"),
        db_index=False,
    )
    by_device = models.ForeignKey(
        Device,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkins",
        verbose_name=_("by device"),
        db_index=False,
    )
    annulled_at = models.DateTimeField(_("annulled at"), null=True, blank=True)
    annulled_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    annulled_by_device = models.ForeignKey(
        Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    annul_reason = models.CharField(_("reason for the undo"), max_length=200, blank=True)
    #: When the server recorded the row, by the database's clock (``created_at`` is the scan's
    #: time: a device's own clock for a scan queued offline). The offline scanners' change feed
    #: reads it; the door scan's INSERT leaves it to the database default.
    recorded_at = models.DateTimeField(_("recorded at"), db_default=Now(), editable=False)
    #: Decided by the device while it was offline, and uploaded later (``checkin_batch``).
    offline = models.BooleanField(_("scanned offline"), db_default=False, editable=False)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at", "-id"]
        constraints = [
            # "A badge enters a list once unless re-entry is allowed", held by the database.
            models.UniqueConstraint(
                fields=["registration", "checkin_list"],
                condition=models.Q(single_entry=True, annulled_at__isnull=True),
                name="one_entry_per_badge_per_list",
            ),
            models.CheckConstraint(
                condition=models.Q(single_entry=False) | models.Q(kind=CheckInKind.ENTRY),
                name="checkin_single_entry_is_an_entry",
            ),
            models.UniqueConstraint(fields=["nonce_key"], name="checkin_nonce_answered_once"),
        ]
        indexes = [
            models.Index(fields=["checkin_list", "created_at"], name="checkin_list_time"),
            models.Index(fields=["registration", "checkin_list", "id"], name="checkin_reg_list"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.registration_id} @ {self.checkin_list_id}"


class ScanLog(models.Model):
    """Every failed scan (unknown badge, wrong list, cancelled…) and its answer; successful ones
    are the ``CheckIn`` rows. The answer is replayed for a repeated nonce."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    event = models.ForeignKey(
        Event,
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("event"),
        db_index=False,  # (event, result) below
    )
    checkin_list = models.ForeignKey(
        CheckInList,
        null=True,
        on_delete=models.SET_NULL,
        related_name="scans",
        verbose_name=_("list"),
    )
    registration = models.ForeignKey(
        Registration,
        null=True,
        on_delete=models.SET_NULL,
        related_name="scans",
        verbose_name=_("registration"),
        db_index=False,
    )
    device = models.ForeignKey(
        Device,
        null=True,
        on_delete=models.SET_NULL,
        related_name="scans",
        verbose_name=_("device"),
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=5, choices=CheckInKind.choices)
    method = models.CharField(_("method"), max_length=8, choices=CheckInMethod.choices)
    gate = models.CharField(_("gate"), max_length=40, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=ScanResult.choices)
    #: What was scanned, cut short and made printable (never used to look anything up).
    scanned = models.CharField(_("scanned"), max_length=80, blank=True)
    #: "<who>:<nonce>", unique: the same nonce from the same scanner gets the first answer back.
    nonce_key = models.CharField(max_length=100, null=True, blank=True)
    response = models.JSONField(_("answer"), default=dict)
    #: Decided by the device while it was offline, and uploaded later (``checkin_batch``).
    offline = models.BooleanField(_("scanned offline"), db_default=False, editable=False)
    #: An offline conflict: the device admitted the badge while offline, the server refused it
    #: on upload (another device, also offline, admitted it first).
    conflict = models.BooleanField(_("offline conflict"), db_default=False, editable=False)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scan log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["event", "result"], name="scanlog_event_result")]
        constraints = [
            models.UniqueConstraint(fields=["nonce_key"], name="scan_nonce_answered_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_result_display()} ({self.created_at:%H:%M:%S})"
