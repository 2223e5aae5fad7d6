"""Background work of the exhibition: the expiry of holds. Tasks take ids. The exhibition's
emails go through the outbox (exhibitors/emails.py, sent by mail.tasks.send_email)."""

from django_tasks import task


@task()
def expire_booking_hold(booking_id: int) -> bool:
    """Expire one hold at its deadline (enqueued with ``run_after`` when the hold is made)."""
    from exhibitors.services import booking_expire_one

    return booking_expire_one(booking_id=booking_id)
