"""Background work of the exhibition: emails and the expiry of holds. Tasks take ids."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from core.links import absolute_url
from exhibitors.models import BookingTransition, ExhibitorInvitation


def _send(*, template: str, context: dict, to: list[str], language: str) -> None:
    with translation.override(language):
        context = {**context, "base_url": settings.BASE_URL.rstrip("/")}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


@task()
def send_booking_email(transition_id: int) -> None:
    """Email the exhibitor (contact and members) about one step of its booking, in its language.

    The task may run long after the step (a task worker that is behind), when the booking has
    moved on: the email states the step's own booth and status (the transition's), not the
    booking's status of the moment.
    """
    transition = (
        BookingTransition.objects.select_related(
            "booking__exhibitor", "booking__event", "from_booth", "to_booth", "by"
        )
        .filter(pk=transition_id)
        .first()
    )
    if transition is None:
        return
    booking = transition.booking
    exhibitor = booking.exhibitor
    recipients = [exhibitor.contact_email]
    recipients += [
        email
        for email in exhibitor.members.values_list("user__email", flat=True)
        if email and email.lower() not in {r.lower() for r in recipients}
    ]
    with translation.override(exhibitor.language):
        url = absolute_url(reverse("exhibitors:booking_detail", args=[booking.pk]))
    _send(
        template="exhibitors/email/booking",
        context={"transition": transition, "booking": booking, "exhibitor": exhibitor, "url": url},
        to=recipients,
        language=exhibitor.language,
    )


@task()
def send_verification_email(user_id: int, language: str = "vi") -> None:
    """Email the link that confirms an exhibitor's address."""
    from exhibitors.services.accounts import verification_link_parts

    user = get_user_model().objects.filter(pk=user_id, is_active=False).first()
    if user is None:
        return
    uidb64, token = verification_link_parts(user)
    with translation.override(language):
        url = absolute_url(reverse("exhibitors:verify_email", args=[uidb64, token]))
    _send(
        template="exhibitors/email/verify",
        context={"user": user, "url": url},
        to=[user.email],
        language=language,
    )


@task()
def send_invitation_email(invitation_id: int) -> None:
    """Email a colleague the link that makes them a member of the company."""
    invitation = (
        ExhibitorInvitation.objects.select_related("exhibitor", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.accepted_at:
        return
    language = invitation.exhibitor.language
    with translation.override(language):
        url = absolute_url(reverse("exhibitors:accept_invitation", args=[invitation.token]))
    _send(
        template="exhibitors/email/invitation",
        context={"invitation": invitation, "exhibitor": invitation.exhibitor, "url": url},
        to=[invitation.email],
        language=language,
    )


@task()
def expire_booking_hold(booking_id: int) -> bool:
    """Expire one hold at its deadline (enqueued with ``run_after`` when the hold is made)."""
    from exhibitors.services import booking_expire_one

    return booking_expire_one(booking_id=booking_id)
