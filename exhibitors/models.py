"""Models of the exhibition: companies and their members, booths, bookings and booth staff."""

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from core.enums import Language
from core.localized import LocalizedValue, current_language
from exhibitors.enums import (
    LIVE_BOOKING_STATUSES,
    BookingAction,
    BookingExtra,
    BookingStatus,
    BoothTier,
    MemberRole,
    PaymentStatus,
    Sector,
    StaffStatus,
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
        indexes = [models.Index(fields=["exhibitor", "status"], name="booking_exhibitor_status")]
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


class ProformaInvoice(models.Model):
    """A pro-forma invoice of a booking: what it asks to be paid, as it was when issued (the
    seller's and buyer's names, addresses and tax codes, the lines, VAT and total), numbered
    per event without gaps. Not a VAT invoice: legal e-invoices come from an accredited
    provider."""

    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="+"
    )
    booking = models.ForeignKey(
        BoothBooking,
        verbose_name=_("booking"),
        on_delete=models.PROTECT,
        related_name="proforma_invoices",
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
        verbose_name = _("pro-forma invoice")
        verbose_name_plural = _("pro-forma invoices")
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="proforma_number_per_event"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="proforma_number_gte_1"),
            models.CheckConstraint(
                condition=models.Q(total_vnd=models.F("net_vnd") + models.F("vat_vnd")),
                name="proforma_total_is_net_plus_vat",
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"PF-{self.number:05d}"
