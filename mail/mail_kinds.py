"""The outbox's own kind: "send me a test" of an organizer's words (Settings → Email texts)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mail.models import EmailText
from mail.registry import register
from mail.services import TEST_KIND, email_text_sample


def build_test_email(email) -> EmailMultiAlternatives | None:
    """The organizer's words rendered for a sample guest, as text and HTML, marked as a test;
    none once the words were deleted. The details, buttons and attachments of the real email
    are not in it: only the words."""
    text = EmailText.objects.select_related("event").filter(pk=email.object_id).first()
    if text is None:
        return None
    words = email_text_sample(text)
    subject = gettext("[Test] %(subject)s") % {"subject": words.subject}
    html = render_to_string(
        "mail/email/test.html", {"words": words, "subject": subject, "text": text}
    )
    message = EmailMultiAlternatives(subject, words.text, settings.DEFAULT_FROM_EMAIL)
    message.attach_alternative(html, "text/html")
    return message


register(TEST_KIND, build_test_email, label=_("Test of an email's words"))
