"""Background work of the exhibition: the expiry of holds. Tasks take ids. The exhibition's
emails go through the outbox (exhibitors/emails.py, sent by mail.tasks.send_email)."""

from django_tasks import task


@task()
def expire_booking_hold(booking_id: int) -> bool:
    """Expire one hold at its deadline (enqueued with ``run_after`` when the hold is made)."""
    from exhibitors.services import booking_expire_one  # noqa: PLC0415 (the services import the tasks)

    return booking_expire_one(booking_id=booking_id)


# Former email tasks, kept so that a task queued before the exhibition's emails moved to the
# outbox still reaches its recipient: each turns into an outbox email. Remove once none is left.


@task()
def send_booking_email(transition_id: int) -> None:
    from exhibitors.models import BookingTransition  # noqa: PLC0415 (the services import the tasks)
    from exhibitors.services.bookings import booking_email_queue  # noqa: PLC0415 (the services import the tasks)

    transition = BookingTransition.objects.select_related("booking__exhibitor")
    transition = transition.filter(pk=transition_id).first()
    if transition is not None:
        booking_email_queue(transition=transition)


@task()
def send_verification_email(user_id: int, language: str = "vi") -> None:
    from django.contrib.auth import get_user_model  # noqa: PLC0415 (the services import the tasks)

    from exhibitors.emails import VERIFY_EMAIL  # noqa: PLC0415 (the services import the tasks)
    from mail.services import email_queue  # noqa: PLC0415 (the services import the tasks)

    user = get_user_model().objects.filter(pk=user_id, is_active=False).first()
    if user is not None:
        email_queue(kind=VERIFY_EMAIL, to=[user.email], language=language, about=user)


@task()
def send_invitation_email(invitation_id: int) -> None:
    from exhibitors.emails import INVITATION  # noqa: PLC0415 (the services import the tasks)
    from exhibitors.models import ExhibitorInvitation  # noqa: PLC0415 (the services import the tasks)
    from mail.services import email_queue  # noqa: PLC0415 (the services import the tasks)

    invitation = ExhibitorInvitation.objects.select_related("exhibitor")
    invitation = invitation.filter(pk=invitation_id, accepted_at__isnull=True).first()
    if invitation is not None:
        email_queue(
            kind=INVITATION,
            to=[invitation.email],
            language=invitation.exhibitor.language,
            about=invitation,
        )
