"""The outbox's task: send one email (retries are scheduled by the service)."""

from django_tasks import task

from mail.services import email_send


@task()
def send_email(email_id: int) -> str:
    """Send one outbox email."""
    return email_send(email_id=email_id)
