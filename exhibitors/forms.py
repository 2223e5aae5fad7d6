"""Forms of the exhibitor pages. They check the shape of the input; the services decide."""

import copy
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from core.enums import Language
from core.forms import SiteFormMixin
from exhibitors.enums import BookingExtra, Sector
from exhibitors.exceptions import PlanInvalid
from exhibitors.images import MAX_LOGO_BYTES
from exhibitors.models import Booth, PlanShape
from exhibitors.services.bookings import BOOTH_FIELDS, booth_update
from exhibitors.services.plan import PLACE_FIELDS, booth_place_check
from exhibitors.services.reconcile import MAX_BYTES as STATEMENT_MAX_BYTES
from exhibitors.validators import normalize_tax_code, validate_tax_code


class TaxCodeField(forms.CharField):
    """A tax code as people type it: spaces are dropped, then ``validate_tax_code`` checks it.
    The public forms and the admin's booking form use this one field."""

    default_validators = [validate_tax_code]
    typed_length = 20  # what the browser lets people type: "0100109106 - 001" has spaces

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", self.typed_length)
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalize_tax_code(super().to_python(value))

    def widget_attrs(self, widget):
        """``max_length`` checks the code without its spaces (the model's 14 in the admin): the
        input still takes the spaces people type."""
        attrs = super().widget_attrs(widget)
        if "maxlength" in attrs:
            attrs["maxlength"] = str(max(int(attrs["maxlength"]), self.typed_length))
        return attrs


class SignupForm(SiteFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("Email"), max_length=150)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial="vi")

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            user = get_user_model()(username=cleaned.get("email", ""), email=cleaned.get("email"))
            try:
                validate_password(password, user)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class VerifyEmailForm(SiteFormMixin, forms.Form):
    """The emailed link asks for the sign-up password before it switches the account on."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class PasswordResetRequestForm(SiteFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ExhibitorSetPasswordForm(SiteFormMixin, SetPasswordForm):
    """The new password, from the emailed reset link (Django's form: twice, validated)."""


class ExhibitorLoginForm(SiteFormMixin, AuthenticationForm):
    """Log in with the email address; says so when the address is not confirmed yet."""

    username = forms.CharField(
        label=_("Email"), max_length=150, widget=forms.EmailInput(attrs={"autofocus": True})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "inactive": _("Please confirm your email address first: we sent you a link."),
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip().lower()
        self.cleaned_data["username"] = username
        try:
            return super().clean()
        except ValidationError:
            user = get_user_model().objects.filter(username__iexact=username).first()
            password = self.cleaned_data.get("password") or ""
            if user is not None and not user.is_active and user.check_password(password):
                raise ValidationError(self.error_messages["inactive"], code="inactive") from None
            raise


class LogoField(forms.FileField):
    """A plain file field: the service checks and re-encodes the image with Pillow (an
    ImageField would already parse it, and let SVG through to a confusing message)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data and getattr(data, "size", 0) > MAX_LOGO_BYTES:
            raise ValidationError(_("The logo is too large: at most 2 MB."), code="too_large")
        return data


class ExhibitorProfileForm(SiteFormMixin, forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200)
    tax_code = TaxCodeField(
        label=_("Tax code"),
        help_text=_("10 digits, or 10 digits, a dash and 3 digits for a branch."),
    )
    #: No sector is chosen for the company (the first one, preselected, was kept by mistake).
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("Choose the sector…")), *Sector.choices]
    )
    logo = LogoField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 2 MB and 4000 pixels a side (no SVG)."),
    )
    description_vi = forms.CharField(
        label=_("Description (Vietnamese)"), max_length=2000, required=False, widget=forms.Textarea
    )
    description_en = forms.CharField(
        label=_("Description (English)"), max_length=2000, required=False, widget=forms.Textarea
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    contact_name = forms.CharField(label=_("Contact person"), max_length=120)
    contact_phone = forms.RegexField(
        label=_("Contact phone"),
        regex=r"^\+?[0-9 .()-]{8,20}$",
        error_messages={"invalid": _("Enter a phone number, for example 0912 345 678.")},
    )
    contact_email = forms.EmailField(label=_("Contact email"))
    language = forms.ChoiceField(
        label=_("Language of emails"), choices=Language.choices, initial="vi"
    )

    def profile_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "logo"}


class BookingRequestForm(SiteFormMixin, forms.Form):
    """The details an exhibitor confirms while the booth is held."""

    extras = forms.MultipleChoiceField(
        label=_("Extras"),
        choices=BookingExtra.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invoice_company = forms.CharField(label=_("Invoice: company name"), max_length=200)
    invoice_tax_code = TaxCodeField(label=_("Invoice: tax code"))
    invoice_address = forms.CharField(label=_("Invoice: address"), max_length=300)
    invoice_email = forms.EmailField(label=_("Invoice: email"))
    notes = forms.CharField(
        label=_("Notes for the organizer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    accept_tier = forms.BooleanField(
        label=_("I confirm the booth, its tier and its price."), required=True
    )


class CancelForm(SiteFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)


class InviteMemberForm(SiteFormMixin, forms.Form):
    email = forms.EmailField(label=_("Colleague's email"))


class StaffForm(SiteFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    email = forms.EmailField(label=_("Email"))
    position = forms.CharField(label=_("Position"), max_length=120, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea)


class MoveForm(forms.Form):
    to_booth = forms.ModelChoiceField(label=_("New booth"), queryset=None)
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)

    def __init__(self, *args, booths=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_booth"].queryset = booths


class BlockForm(forms.Form):
    reason = forms.CharField(label=_("Reason, for example the sponsor"), max_length=200)


class BoothAdminForm(WagtailAdminModelForm):
    """The organizer's booth form. A change is saved through ``booth_update``, which refuses
    (with a domain error that the edit view shows on the form) to change what a live booking
    agreed to."""

    class Meta:
        model = Booth
        fields = ["event", "code", *BOOTH_FIELDS]

    def clean(self):
        """A new booth, too, stays inside the hall and off the other booths (an edit is checked
        again by ``booth_update``, under its lock)."""
        cleaned = super().clean()
        if not self.errors and cleaned.get("event"):
            booth = copy.copy(self.instance)
            booth.event_id = cleaned["event"].pk
            booth.code = cleaned.get("code", booth.code)
            for name in PLACE_FIELDS:
                setattr(booth, name, cleaned[name])
            try:
                booth_place_check(booth=booth)
            except PlanInvalid as exc:
                raise ValidationError(exc.problems) from exc
        return cleaned

    def save(self, commit=True):
        if self.instance._state.adding or not commit:
            return super().save(commit)
        fields = {name: self.cleaned_data[name] for name in self._meta.fields}
        return booth_update(booth=self.instance, by=self.for_user, **fields)


class LeadScanForm(SiteFormMixin, forms.Form):
    """A badge scanned at the booth: a keyboard-wedge scanner types the code and Enter into
    ``code``; the camera's decoder fills it in the page's script."""

    event = forms.ChoiceField(label=_("Event"))
    code = forms.CharField(
        label=_("Badge code"),
        max_length=200,
        help_text=_("Scan the visitor's badge: the scanner types its code here."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [(event.slug, str(event)) for event in events]
        if len(events) == 1:
            self.fields["event"].widget = forms.HiddenInput()
            self.fields["event"].initial = events[0].slug


class LeadForm(SiteFormMixin, forms.Form):
    """What the company's staff note about a lead."""

    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[("", _("No rating"))] + [(n, str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("1 (cold) to 5 (hot)."),
    )
    tags = forms.CharField(
        label=pgettext_lazy("lead", "Tags"),
        max_length=400,
        required=False,
        help_text=_("Separated by commas: at most 10 tags of 30 characters."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class PaymentForm(forms.Form):
    """An organizer records money received by hand (the admin's booking page)."""

    amount_vnd = forms.IntegerField(label=_("Amount (VND)"), min_value=1, max_value=10**12)
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Reference (optional)"), max_length=500, required=False)


class RefundForm(forms.Form):
    """An organizer pays money back (empty amount: everything received)."""

    amount_vnd = forms.IntegerField(
        label=_("Amount refunded (VND)"),
        min_value=1,
        max_value=10**12,
        required=False,
        help_text=_("Empty: everything received."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class StatementUploadForm(forms.Form):
    """A bank statement CSV and the saved format of its bank."""

    bank = forms.ModelChoiceField(label=_("Bank"), queryset=None, empty_label=None)
    file = forms.FileField(label=_("Statement (CSV)"))

    def __init__(self, *args, **kwargs):
        from exhibitors.models import BankStatementFormat  # noqa: PLC0415

        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = BankStatementFormat.objects.all()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > STATEMENT_MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


class StatementAssignForm(forms.Form):
    """The booking a statement line pays, by its payment reference ("FH000042") or number."""

    reference = forms.CharField(label=_("Payment reference"), max_length=30)


class EinvoiceExportForm(forms.Form):
    event = forms.ModelChoiceField(label=_("Event"), queryset=None, empty_label=None)

    def __init__(self, *args, **kwargs):
        from events.models import Event  # noqa: PLC0415

        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = Event.objects.filter(booths__isnull=False).distinct()


# --- The floor plan editor (admin) ------------------------------------------------------------


def _metres(label, *, minimum="0", required=True):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(minimum),
        max_value=Decimal("9999"),
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )


MAX_HALL_IMAGE_BYTES = 5 * 1024 * 1024


class HallForm(forms.Form):
    """The hall's size in metres (both empty: the plan fits around the booths) and drawing."""

    hall_width_m = _metres(_("Hall width (m)"), minimum="1", required=False)
    hall_depth_m = _metres(_("Hall depth (m)"), minimum="1", required=False)
    hall_image = forms.ImageField(
        label=_("Background image of the hall"),
        required=False,
        help_text=_("PNG or JPEG, stretched over the hall's width and depth."),
    )
    hall_image_clear = forms.BooleanField(label=_("Remove the background image"), required=False)

    def clean_hall_image(self):
        image = self.cleaned_data.get("hall_image")
        if image and image.size > MAX_HALL_IMAGE_BYTES:
            raise ValidationError(_("The image is larger than 5 MB."), code="too_large")
        return image


class PlacedForm(forms.Form):
    """Where something stands on the plan and its size, in metres from the top-left corner."""

    x_m = _metres(_("x (m)"))
    y_m = _metres(_("y (m)"))
    width_m = _metres(_("Width (m)"), minimum="0.5")
    depth_m = _metres(_("Depth (m)"), minimum="0.5")


class BoothPlaceForm(PlacedForm):
    booth = forms.IntegerField(widget=forms.HiddenInput)


class PlanShapeForm(PlacedForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=PlanShape.Kind.choices, initial=PlanShape.Kind.OTHER
    )
    label = forms.CharField(label=_("Label (Vietnamese)"), max_length=60, required=False)
    label_en = forms.CharField(label=_("Label (English)"), max_length=60, required=False)


BoothPlaceFormSet = forms.formset_factory(BoothPlaceForm, extra=0, max_num=2000)
PlanShapeFormSet = forms.formset_factory(PlanShapeForm, extra=2, can_delete=True, max_num=200)
