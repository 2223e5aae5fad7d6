"""Background tasks of events. They take ids and call the services."""

from django_tasks import task


@task()
def send_registration_email(email_id: int) -> str:
    """Send one outbox email (retries are scheduled by the service)."""
    from events.services.emails import registration_email_send

    return registration_email_send(email_id=email_id)


@task()
def build_badge_batch(batch_id: int) -> str:
    """Build the A4 sheets of a BadgeBatch, updating its progress."""
    from events.services.badges import badge_batch_build

    return badge_batch_build(batch_id=batch_id)
