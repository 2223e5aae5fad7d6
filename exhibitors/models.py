"""Models of the exhibition: companies and their members, booths, bookings and booth staff."""

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.enums import Language
from core.localized import LocalizedValue, current_language
from exhibitors.enums import (
    LIVE_BOOKING_STATUSES,
    BookingAction,
    BookingExtra,
    BookingStatus,
    BoothTier,
    MemberRole,
    PaymentSource,
    PaymentStatus,
    Sector,
    StaffStatus,
    StatementLineState,
    StatementMatch,
)
from exhibitors.validators import validate_tax_code

#: The VAT rate (%) of a booth or an extra until the organizer sets another.
DEFAULT_VAT_RATE = 8


def metres(label, *, max_digits=5, minimum="0", **kwargs) -> models.DecimalField:
    """A length or a place on the floor plan, in metres to the decimetre."""
    return models.DecimalField(
        label,
        max_digits=max_digits,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(minimum))],
        **kwargs,
    )


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Exhibitor(models.Model):
    """A company that exhibits. Its members are Django users (``ExhibitorMember``)."""

    name = models.CharField(_("company name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    tax_code = models.CharField(
        _("tax code"),
        max_length=14,
        unique=True,
        validators=[validate_tax_code],
        help_text=_("10 digits, or 10 digits, a dash and 3 digits for a branch."),
    )
    logo = models.ImageField(_("logo"), upload_to="exhibitors/logos/", blank=True)
    description_vi = models.TextField(_("description (Vietnamese)"), max_length=2000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=2000, blank=True)
    website = models.URLField(_("website"), blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    contact_name = models.CharField(_("contact person"), max_length=120)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    contact_email = models.EmailField(_("contact email"))
    language = models.CharField(
        _("language of emails"), max_length=5, choices=Language.choices, default=Language.VI
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("exhibitor")
        verbose_name_plural = _("exhibitors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> LocalizedValue:
        """The description in the active language, falling back to the other one; the value
        knows its language, so that a page marks a fallback (``lang="vi"`` on an English page)."""
        wanted = "en" if current_language() == "en" else "vi"
        for language in (wanted, "vi" if wanted == "en" else "en"):
            text = getattr(self, f"description_{language}")
            if text.strip():
                return LocalizedValue(text, language)
        return LocalizedValue("", wanted)


class ExhibitorMember(models.Model):
    """A user of an exhibitor. A user belongs to at most one company."""

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exhibitor_membership"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("exhibitor member")
        verbose_name_plural = _("exhibitor members")
        ordering = ["exhibitor", "joined_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.exhibitor})"


class ExhibitorInvitation(models.Model):
    """An invitation for a colleague to join an exhibitor; accepted through a secret link."""

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    VALID_FOR = dt.timedelta(days=14)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and now < self.created_at + self.VALID_FOR


class ExhibitionSettings(models.Model):
    """Per-event rules of the exhibition."""

    event = models.OneToOneField(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="exhibition_settings",
    )
    booking_open = models.BooleanField(_("booking open"), default=False)
    booking_closes_at = models.DateTimeField(
        _("booking closes at"), null=True, blank=True, help_text=_("Empty: open until closed.")
    )
    max_booths_per_exhibitor = models.PositiveSmallIntegerField(
        _("booths per exhibitor"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("hold duration (minutes)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)],
        help_text=_("How long a booth stays held while the exhibitor confirms the details."),
    )
    staff_quota_standard = models.PositiveSmallIntegerField(_("staff passes: standard"), default=3)
    staff_quota_corner = models.PositiveSmallIntegerField(_("staff passes: corner"), default=4)
    staff_quota_premium = models.PositiveSmallIntegerField(_("staff passes: premium"), default=6)
    # The organizer's bank account (the VietQR of what exhibitors owe) and invoicing identity.
    bank_bin = models.CharField(
        _("bank BIN"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{6}$", _("The bank BIN has 6 digits."))],
        help_text=_("The bank's 6-digit NAPAS code, for example 970436 for Vietcombank."),
    )
    bank_account_number = models.CharField(
        _("bank account number"),
        max_length=19,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9A-Za-z]{1,19}$", _("Letters and digits only, at most 19."))
        ],
    )
    bank_account_name = models.CharField(_("bank account name"), max_length=100, blank=True)
    seller_name = models.CharField(_("seller: company name"), max_length=200, blank=True)
    seller_address = models.CharField(_("seller: address"), max_length=300, blank=True)
    seller_tax_code = models.CharField(
        _("seller: tax code"), max_length=14, blank=True, validators=[validate_tax_code]
    )
    booth_vat_rate = models.PositiveSmallIntegerField(
        _("VAT rate of booths (%)"), default=DEFAULT_VAT_RATE, validators=[MaxValueValidator(100)]
    )
    # When an approved booking must be paid, the reminders before, and what happens after.
    payment_days = models.PositiveSmallIntegerField(
        _("payment due (days after approval)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("An approved booking must be paid within this many days."),
    )
    payment_deadline = models.DateField(
        _("payment due at the latest on"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: no booking is due later than this date (a booking approved after it "
            "still gets one day)."
        ),
    )
    payment_reminder_days = models.CharField(
        _("payment reminders (days before the deadline)"),
        max_length=30,
        default="3,1",
        blank=True,
        validators=[
            RegexValidator(
                r"^\s*[0-9]{1,2}\s*(,\s*[0-9]{1,2}\s*)*$",
                _("Whole numbers of days separated by commas, for example 3,1."),
            )
        ],
        help_text=_("For example 3,1: a reminder 3 days and 1 day before. Empty: no reminder."),
    )
    release_unpaid = models.BooleanField(
        _("release unpaid booths"),
        default=False,
        help_text=_(
            "When the payment deadline passes unpaid, cancel the booking so that the booth "
            "becomes free (the exhibitor is told by email)."
        ),
    )
    # The hall of the floor plan, in metres (empty: the plan fits around the booths).
    hall_width_m = models.DecimalField(
        _("hall width (m)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    hall_depth_m = models.DecimalField(
        _("hall depth (m)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    hall_image = models.ImageField(
        _("hall background image"),
        upload_to="exhibitors/halls/",
        blank=True,
        help_text=_("A drawing of the hall, stretched over its width and depth."),
    )

    class Meta:
        verbose_name = _("exhibition settings")
        verbose_name_plural = _("exhibition settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_booths_per_exhibitor__gte=1, hold_minutes__gte=1),
                name="exhibition_settings_positive_limits",
            ),
            models.CheckConstraint(
                condition=(models.Q(hall_width_m__isnull=True) | models.Q(hall_width_m__gt=0))
                & (models.Q(hall_depth_m__isnull=True) | models.Q(hall_depth_m__gt=0)),
                name="exhibition_hall_size_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.event)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if not self.booking_open:
            return False
        return not (self.booking_closes_at and now >= self.booking_closes_at)

    @property
    def reminder_days(self) -> list[int]:
        """The days before the deadline when a reminder goes, largest first, without repeats
        (0: on the due date itself)."""
        days = {int(d) for d in (self.payment_reminder_days or "").split(",") if d.strip()}
        return sorted(days, reverse=True)

    def payment_due_for(self, approved_on: dt.date) -> dt.date:
        """The date by which a booking approved on ``approved_on`` (a local date) is paid:
        ``payment_days`` later, or the fixed ``payment_deadline`` if earlier, but never before
        the day after the approval."""
        due = approved_on + dt.timedelta(days=self.payment_days)
        if self.payment_deadline and self.payment_deadline < due:
            due = max(self.payment_deadline, approved_on + dt.timedelta(days=1))
        return due

    def staff_quota(self, tier: str) -> int:
        return {
            BoothTier.STANDARD: self.staff_quota_standard,
            BoothTier.CORNER: self.staff_quota_corner,
            BoothTier.PREMIUM: self.staff_quota_premium,
        }.get(tier, self.staff_quota_standard)


class Booth(models.Model):
    """A stand of the hall. Its place on the plan is in metres from the hall's top-left corner
    (``x_m`` across, ``y_m`` down); its size on the plan is its size (``width_m`` × ``depth_m``)."""

    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="booths"
    )
    code = models.CharField(_("code"), max_length=10, help_text=_("For example A01."))
    zone = models.CharField(_("zone"), max_length=60, blank=True)
    zone_en = models.CharField(_("zone (English)"), max_length=60, blank=True)
    width_m = metres(_("width (m)"), max_digits=4, minimum="0.5", default=3)
    depth_m = metres(_("depth (m)"), max_digits=4, minimum="0.5", default=3)
    tier = models.CharField(
        _("tier"), max_length=10, choices=BoothTier.choices, default=BoothTier.STANDARD
    )
    price_vnd = models.PositiveBigIntegerField(_("price (VND)"))
    has_power = models.BooleanField(_("power"), default=True)
    has_internet = models.BooleanField(_("internet"), default=False)
    has_furniture = models.BooleanField(_("furniture"), default=True)
    x_m = metres(
        _("x on the plan (m)"), default=0, help_text=_("Metres from the hall's left wall.")
    )
    y_m = metres(_("y on the plan (m)"), default=0, help_text=_("Metres from the hall's top wall."))
    blocked = models.BooleanField(_("reserved by the organizer"), default=False, editable=False)
    blocked_reason = models.CharField(_("reason"), max_length=200, blank=True, editable=False)
    blocked_at = models.DateTimeField(_("reserved at"), null=True, blank=True, editable=False)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        ordering = ["event", "code"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="booth_code_unique_per_event"),
            models.CheckConstraint(
                condition=models.Q(width_m__gt=0, depth_m__gt=0, x_m__gte=0, y_m__gte=0),
                name="booth_plan_place_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def size_label(self) -> str:
        """ "3 × 3 m", "2,5 × 3 m" in Vietnamese."""
        width, depth = (number_format(Decimal(v).normalize()) for v in (self.width_m, self.depth_m))
        return f"{width} × {depth} m"

    @property
    def amenities(self) -> list[str]:
        return [
            str(label)
            for flag, label in (
                (self.has_power, _("power")),
                (self.has_internet, _("internet")),
                (self.has_furniture, _("furniture")),
            )
            if flag
        ]


class PlanShape(models.Model):
    """Something of the hall that is not a booth, drawn on the plan with its label: the
    entrance, the stage, an aisle, the registration desk. In metres, as booths are."""

    class Kind(models.TextChoices):
        ENTRANCE = "entrance", _("Entrance")
        STAGE = "stage", _("Stage")
        AISLE = "aisle", _("Aisle")
        DESK = "desk", _("Registration desk")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    label = models.CharField(_("label"), max_length=60, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=60, blank=True)
    x_m = metres(_("x (m)"))
    y_m = metres(_("y (m)"))
    width_m = metres(_("width (m)"), minimum="0.5")
    depth_m = metres(_("depth (m)"), minimum="0.5")

    class Meta:
        verbose_name = _("plan shape")
        verbose_name_plural = _("plan shapes")
        ordering = ["event", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(width_m__gt=0, depth_m__gt=0, x_m__gte=0, y_m__gte=0),
                name="plan_shape_place_valid",
            )
        ]

    def __str__(self) -> str:
        return self.label or str(self.get_kind_display())


def live_booking_q(now=None) -> models.Q:
    """Bookings that keep their booth now: requested, approved, or held and not yet expired.

    Expiry is checked on every read through this filter; the periodic task and the services
    also write the ``expired`` status.
    """
    now = now or timezone.now()
    return models.Q(status__in=[BookingStatus.REQUESTED, BookingStatus.APPROVED]) | models.Q(
        status=BookingStatus.HELD, held_until__gt=now
    )


class BoothBookingQuerySet(models.QuerySet):
    def live(self, now=None):
        return self.filter(live_booking_q(now))


class BoothBooking(models.Model):
    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="+"
    )
    booth = models.ForeignKey(
        Booth, verbose_name=_("booth"), on_delete=models.PROTECT, related_name="bookings"
    )
    exhibitor = models.ForeignKey(
        Exhibitor, verbose_name=_("exhibitor"), on_delete=models.PROTECT, related_name="bookings"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.HELD
    )
    held_until = models.DateTimeField(_("held until"), null=True, blank=True)
    price_vnd = models.PositiveBigIntegerField(_("price (VND)"))
    extras = models.JSONField(_("extras"), default=list, blank=True)
    invoice_company = models.CharField(_("invoice: company name"), max_length=200, blank=True)
    invoice_tax_code = models.CharField(_("invoice: tax code"), max_length=14, blank=True)
    invoice_address = models.CharField(_("invoice: address"), max_length=300, blank=True)
    invoice_email = models.EmailField(_("invoice: email"), blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payment_status = models.CharField(
        _("payment"),
        max_length=10,
        choices=PaymentStatus.choices,
        default=PaymentStatus.NONE,
        blank=True,
        editable=False,
    )
    payment_due = models.DateField(_("payment due"), null=True, blank=True, editable=False)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, editable=False)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked paid by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = BoothBookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booth booking")
        verbose_name_plural = _("booth bookings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["booth"],
                condition=models.Q(status__in=LIVE_BOOKING_STATUSES),
                name="one_live_booking_per_booth",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=BookingStatus.HELD) | models.Q(held_until__isnull=False),
                name="held_booking_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["exhibitor", "status"], name="booking_exhibitor_status"),
            # The payment sweep's reads: orders still owing, by deadline.
            models.Index(
                fields=["payment_due"],
                condition=models.Q(payment_status__in=["awaiting", "overdue"]),
                name="booking_payment_due",
            ),
        ]
        constraints += [
            models.CheckConstraint(
                condition=~models.Q(payment_status=PaymentStatus.PAID)
                | models.Q(paid_at__isnull=False),
                name="paid_booking_has_paid_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booth} · {self.exhibitor}"

    def effective_status(self, now=None) -> str:
        """The status as of ``now``: a held booking past its deadline reads as expired."""
        now = now or timezone.now()
        if self.status == BookingStatus.HELD and self.held_until and self.held_until <= now:
            return BookingStatus.EXPIRED
        return self.status

    def get_effective_status_display(self) -> str:
        return str(BookingStatus(self.effective_status()).label)

    get_effective_status_display.short_description = _("status")

    @property
    def extras_display(self) -> str:
        return ", ".join(
            str(BookingExtra(e).label) for e in self.extras if e in BookingExtra.values
        )

    def is_live(self, now=None) -> bool:
        return self.effective_status(now) in LIVE_BOOKING_STATUSES

    @property
    def payment_reference(self) -> str:
        """What the exhibitor writes in the transfer's description (the VietQR's purpose):
        "FH" and the booking's number, letters and digits only (banks strip the rest)."""
        return f"FH{self.pk:06d}"


class PaymentReminder(models.Model):
    """A reminder of a booking's payment deadline, sent ``days_before`` it: one row per booking
    and reminder (the unique constraint is what makes the sweep send each once)."""

    booking = models.ForeignKey(
        BoothBooking, on_delete=models.CASCADE, related_name="payment_reminders"
    )
    days_before = models.PositiveSmallIntegerField(_("days before the deadline"))
    sent_at = models.DateTimeField(_("queued at"), default=timezone.now)

    class Meta:
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "days_before"], name="one_payment_reminder_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking} · {self.days_before}"


class ExtraOption(models.Model):
    """The price and VAT rate of an extra (``BookingExtra``) at one event."""

    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(_("extra"), max_length=20, choices=BookingExtra.choices)
    price_vnd = models.PositiveBigIntegerField(_("price (VND, before VAT)"))
    vat_rate = models.PositiveSmallIntegerField(
        _("VAT rate (%)"), default=DEFAULT_VAT_RATE, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("extra")
        verbose_name_plural = _("extras")
        ordering = ["event", "code"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="one_price_per_extra_and_event"),
            models.CheckConstraint(condition=models.Q(vat_rate__lte=100), name="extra_vat_rate"),
        ]

    def __str__(self) -> str:
        return str(self.get_code_display())


class BookingTransition(models.Model):
    """One step in a booking's life: who, when, from which status (and booth) to which."""

    booking = models.ForeignKey(BoothBooking, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=10, choices=BookingAction.choices)
    from_status = models.CharField(
        _("from"), max_length=10, choices=BookingStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=BookingStatus.choices)
    from_booth = models.ForeignKey(
        Booth, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_booth = models.ForeignKey(
        Booth, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    #: The booking's price after this step (a move changes it): the step's email states it,
    #: whenever the task worker sends it. Empty on steps recorded before it was kept.
    price_vnd = models.PositiveBigIntegerField(_("price (VND)"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking transition")
        verbose_name_plural = _("booking transitions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.booking}: {self.from_status or '-'} → {self.to_status}"


class BoothStaff(models.Model):
    """A person working at an approved booth; their pass is a registration with a QR badge."""

    booking = models.ForeignKey(BoothBooking, on_delete=models.PROTECT, related_name="staff")
    full_name = models.CharField(_("full name"), max_length=120)
    email = models.EmailField(_("email"))
    position = models.CharField(_("position"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StaffStatus.choices, default=StaffStatus.ACTIVE
    )
    registration = models.OneToOneField(
        "events.Registration",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="booth_staff",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("booth staff")
        verbose_name_plural = _("booth staff")
        ordering = ["booking", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "booking",
                condition=models.Q(status=StaffStatus.ACTIVE),
                name="one_active_staff_per_email_and_booking",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class InvoiceSequence(models.Model):
    """The last number given to a kind of document at an event: the row the numbering locks, so
    that numbers follow each other without gaps (a rolled-back issue gives its number back)."""

    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, default="proforma")
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice numbering")
        verbose_name_plural = _("invoice numbering")
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="one_sequence_per_event_kind")
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.kind} · {self.last_number}"


class IssuedDocument(models.Model):
    """What a pro-forma invoice and a receipt share: the seller's and buyer's names, addresses
    and tax codes, the lines, VAT and total as they were when issued, numbered per event without
    gaps (each kind its own series, ``InvoiceSequence``)."""

    PREFIX = ""

    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="+"
    )
    number = models.PositiveIntegerField(_("number"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seller_name = models.CharField(_("seller"), max_length=200, blank=True)
    seller_address = models.CharField(_("seller: address"), max_length=300, blank=True)
    seller_tax_code = models.CharField(_("seller: tax code"), max_length=14, blank=True)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_address = models.CharField(_("buyer: address"), max_length=300, blank=True)
    buyer_tax_code = models.CharField(_("buyer: tax code"), max_length=14, blank=True)
    buyer_email = models.EmailField(_("buyer: email"), blank=True)
    #: [{"label_vi", "label_en", "net", "vat_rate", "vat"}], in the order's order.
    lines = models.JSONField(_("lines"), default=list)
    net_vnd = models.PositiveBigIntegerField(_("total before VAT (VND)"))
    vat_vnd = models.PositiveBigIntegerField(_("VAT (VND)"))
    total_vnd = models.PositiveBigIntegerField(_("total (VND)"))
    payment_reference = models.CharField(_("payment reference"), max_length=25)

    class Meta:
        abstract = True
        ordering = ["event", "number"]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.PREFIX}-{self.number:05d}"


class ProformaInvoice(IssuedDocument):
    """A pro-forma invoice of a booking: what it asks to be paid, as it was when issued. Not a
    VAT invoice: legal e-invoices come from an accredited provider."""

    PREFIX = "PF"

    booking = models.ForeignKey(
        BoothBooking,
        verbose_name=_("booking"),
        on_delete=models.PROTECT,
        related_name="proforma_invoices",
    )

    class Meta(IssuedDocument.Meta):
        verbose_name = _("pro-forma invoice")
        verbose_name_plural = _("pro-forma invoices")
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="proforma_number_per_event"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="proforma_number_gte_1"),
            models.CheckConstraint(
                condition=models.Q(total_vnd=models.F("net_vnd") + models.F("vat_vnd")),
                name="proforma_total_is_net_plus_vat",
            ),
        ]


class Receipt(IssuedDocument):
    """The receipt of a booking paid in full (issued when its payment status becomes paid):
    the order as invoiced, and the payments that paid it. Numbered per event in its own series
    (RC-00001). Not a VAT invoice either (see the e-invoice export)."""

    PREFIX = "RC"

    booking = models.ForeignKey(
        BoothBooking, verbose_name=_("booking"), on_delete=models.PROTECT, related_name="receipts"
    )
    #: [{"date": "2026-12-01", "amount": 5000000, "source": "bank", "reference": "…"}]
    payments = models.JSONField(_("payments"), default=list)
    paid_vnd = models.BigIntegerField(_("paid (VND)"))

    class Meta(IssuedDocument.Meta):
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="receipt_number_per_event"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="receipt_number_gte_1"),
            models.CheckConstraint(
                condition=models.Q(total_vnd=models.F("net_vnd") + models.F("vat_vnd")),
                name="receipt_total_is_net_plus_vat",
            ),
        ]


class BankStatementFormat(models.Model):
    """How one bank writes its statement CSV: which column holds the date, the amount and the
    description, the date format, the separators, the header rows, the encoding. Saved once per
    bank ("Vietcombank") and chosen at each import."""

    ENCODINGS = [
        ("utf-8-sig", _("UTF-8 (with or without BOM)")),
        ("cp1258", _("Windows-1258 (Vietnamese)")),
        ("cp1252", _("Windows-1252")),
    ]
    DATE_FORMATS = [
        ("%d/%m/%Y", "31/12/2026"),
        ("%d-%m-%Y", "31-12-2026"),
        ("%Y-%m-%d", "2026-12-31"),
        ("%d/%m/%Y %H:%M:%S", "31/12/2026 23:59:59"),
        ("%d/%m/%Y %H:%M", "31/12/2026 23:59"),
        ("%Y-%m-%d %H:%M:%S", "2026-12-31 23:59:59"),
        ("%d.%m.%Y", "31.12.2026"),
    ]
    DELIMITERS = [(",", _("comma (,)")), (";", _("semicolon (;)")), ("\t", _("tab"))]
    SEPARATORS = [("", _("none")), (".", "."), (",", ","), (" ", _("space"))]

    name = models.CharField(_("bank"), max_length=60, unique=True)
    encoding = models.CharField(
        _("encoding"), max_length=12, choices=ENCODINGS, default="utf-8-sig"
    )
    delimiter = models.CharField(_("delimiter"), max_length=2, choices=DELIMITERS, default=",")
    skip_rows = models.PositiveSmallIntegerField(
        _("rows before the data"),
        default=1,
        validators=[MaxValueValidator(50)],
        help_text=_("The title and header rows at the top of the file (1: one header row)."),
    )
    date_column = models.PositiveSmallIntegerField(
        _("date column"),
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("1 is the first column."),
    )
    amount_column = models.PositiveSmallIntegerField(
        _("amount column"), validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    description_column = models.PositiveSmallIntegerField(
        _("description column"), validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    date_format = models.CharField(
        _("date format"), max_length=20, choices=DATE_FORMATS, default="%d/%m/%Y"
    )
    decimal_separator = models.CharField(
        _("decimal separator"), max_length=1, choices=[(",", ","), (".", ".")], default=","
    )
    thousands_separator = models.CharField(
        _("thousands separator"), max_length=1, choices=SEPARATORS, default=".", blank=True
    )

    class Meta:
        verbose_name = _("bank statement format")
        verbose_name_plural = _("bank statement formats")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decimal_separator=models.F("thousands_separator")),
                name="statement_separators_differ",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.decimal_separator == self.thousands_separator:
            raise ValidationError(
                {
                    "thousands_separator": _(
                        "The thousands separator must differ from the decimal one."
                    )
                }
            )


class BankStatementImport(models.Model):
    """One bank statement file an organizer imported."""

    bank = models.ForeignKey(
        BankStatementFormat, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=200)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lines_read = models.PositiveIntegerField(_("lines read"), default=0)
    lines_new = models.PositiveIntegerField(_("new lines"), default=0)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.bank} · {self.filename}"


class BankStatementLine(models.Model):
    """One credit line of a bank statement, matched (or not) to a booking. ``dedupe_key`` (a
    hash of the bank, date, amount, description and the occurrence of that same line in its
    file) is unique: importing a statement again adds only the lines not seen before."""

    statement = models.ForeignKey(
        BankStatementImport, on_delete=models.CASCADE, related_name="lines"
    )
    row = models.PositiveIntegerField(_("row"))
    booked_on = models.DateField(_("date"))
    amount_vnd = models.BigIntegerField(_("amount (VND)"))
    description = models.CharField(_("description"), max_length=500)
    dedupe_key = models.CharField(max_length=64, unique=True)
    match = models.CharField(_("match"), max_length=10, choices=StatementMatch.choices)
    state = models.CharField(_("state"), max_length=10, choices=StatementLineState.choices)
    booking = models.ForeignKey(
        BoothBooking,
        verbose_name=_("booking"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_lines",
    )
    due_vnd = models.BigIntegerField(_("due when imported (VND)"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        ordering = ["statement", "row"]

    def __str__(self) -> str:
        return f"{self.booked_on:%d/%m/%Y} · {self.amount_vnd} · {self.description[:40]}"


class Payment(models.Model):
    """Money received for a booking (or paid back: a refund is negative). Partial payments add
    up; the booking's payment status follows their sum (exhibitors/services/payments.py)."""

    booking = models.ForeignKey(
        BoothBooking, verbose_name=_("booking"), on_delete=models.PROTECT, related_name="payments"
    )
    amount_vnd = models.BigIntegerField(_("amount (VND)"))
    received_on = models.DateField(_("received on"))
    source = models.CharField(_("source"), max_length=10, choices=PaymentSource.choices)
    reference = models.CharField(_("reference"), max_length=500, blank=True)
    statement_line = models.OneToOneField(
        BankStatementLine,
        verbose_name=_("bank statement line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["booking", "received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount_vnd=0), name="payment_amount_not_zero"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_vnd__gt=0) | models.Q(source=PaymentSource.REFUND),
                name="payment_negative_only_refund",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_vnd__lt=0) | ~models.Q(source=PaymentSource.REFUND),
                name="payment_refund_is_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking} · {self.amount_vnd}"


class Lead(models.Model):
    """A visitor whose badge an exhibitor's member scanned at the booth: one per company and
    registration (a re-scan updates it). The visitor's details are never copied here: the lead
    reads them from the registration when it shows (``Lead.contact``), so that a visitor who
    withdraws their consent to share (``Registration.share_with_exhibitors``), erases their
    data or whose event is purged is no longer shown, whatever changed it. Only what the
    company's staff wrote (note, rating, tags) is the lead's own."""

    RATINGS = range(1, 6)

    exhibitor = models.ForeignKey(
        Exhibitor, verbose_name=_("exhibitor"), on_delete=models.CASCADE, related_name="leads"
    )
    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="+"
    )
    registration = models.ForeignKey(
        "events.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="leads",
    )
    scanned_by = models.ForeignKey(
        ExhibitorMember,
        verbose_name=_("scanned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_scanned_at = models.DateTimeField(_("first scanned at"), default=timezone.now)
    last_scanned_at = models.DateTimeField(_("last scanned at"), default=timezone.now)
    scans = models.PositiveIntegerField(_("scans"), default=1)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    tags = models.JSONField(pgettext_lazy("lead", "tags"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("exhibition", "lead")
        verbose_name_plural = pgettext_lazy("exhibition", "leads")
        ordering = ["-last_scanned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exhibitor", "registration"], name="one_lead_per_exhibitor_and_visitor"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="lead_rating_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["exhibitor", "event"], name="lead_exhibitor_event")]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.exhibitor_id}"

    @property
    def shares_contact(self) -> bool:
        """Whether the visitor agrees, now, to share their contact details with exhibitors."""
        registration = self.registration
        return registration.purged_at is None and registration.share_with_exhibitors

    @property
    def is_anonymised(self) -> bool:
        return self.registration.purged_at is not None

    @property
    def organization(self) -> str:
        return "" if self.is_anonymised else self.registration.organization

    def _shared(self, field: str) -> str:
        return getattr(self.registration, field) if self.shares_contact else ""

    @property
    def full_name(self) -> str:
        return self._shared("full_name")

    @property
    def title(self) -> str:
        return self._shared("title")

    @property
    def email(self) -> str:
        return self._shared("email")

    @property
    def phone(self) -> str:
        return self._shared("phone")

    @property
    def display_name(self) -> str:
        """The name, or "a visitor from <organisation>" for a visitor who does not share."""
        if self.shares_contact:
            return self.full_name
        if self.organization:
            return str(_("A visitor from %(organization)s") % {"organization": self.organization})
        return str(_("A visitor"))

    @property
    def tags_display(self) -> str:
        return ", ".join(self.tags)

    @property
    def scanned_by_label(self) -> str:
        """The member who scanned first: their name, else their email ("" once removed)."""
        user = self.scanned_by.user if self.scanned_by else None
        return (user.get_full_name() or user.email) if user else ""
