"""Forms of the guest's personal data: the consent box (the registration form's and the manage
page's) and its link to the privacy page in the page's language."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.forms import SiteFormMixin


def privacy_policy_url() -> str:
    """The privacy page: ``PRIVACY_POLICY_URL`` if set (an address of another site), else the
    site's own ``/privacy/`` in the active language (``/en/privacy/`` in English)."""
    return settings.PRIVACY_POLICY_URL or reverse("cms:privacy")


def consent_label() -> str:
    """The consent box's label, with the link to the privacy page."""
    return format_html(
        '{} <a href="{}" target="_blank" rel="noopener">{}</a>.',
        _(
            "I agree to the processing of my personal data for this event, under Decree "
            "13/2023/NĐ-CP on personal data protection, as described in the"
        ),
        privacy_policy_url(),
        _("privacy policy"),
    )


class ConsentForm(SiteFormMixin, forms.Form):
    """The manage page's request for consent (guests registered by someone else)."""

    summary_labels = {"consent": _("Consent")}

    consent = forms.BooleanField(label="", required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_label()
        self.fields["consent"].error_messages["required"] = _("Tick the box to give your consent.")
