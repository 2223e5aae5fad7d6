"""Background tasks of events. They take ids and call the services. Emails are sent by the
outbox's task (mail.tasks.send_email)."""

from django_tasks import task


@task()
def send_registration_email(email_id: int) -> str:
    """Former email task, kept so that tasks queued before the outbox moved to ``mail`` still
    run: the data migration kept each email's id. Remove once no such task is left."""
    from mail.services import email_send  # noqa: PLC0415 (the services import the tasks)

    return email_send(email_id=email_id)


@task(takes_context=True)
def build_badge_batch(context, batch_id: int) -> str:
    """Build the A4 sheets of a BadgeBatch, updating its progress under a lease (a batch whose
    worker died is taken up again with this same task: core.leases)."""
    from events.services.badges import badge_batch_build  # noqa: PLC0415 (the services import the tasks)

    return badge_batch_build(batch_id=batch_id, task_id=str(context.task_result.id))


@task()
def purge_personal_data() -> int:
    """Anonymise the personal data of every event whose retention period is over (the same as
    ``manage.py purge_personal_data``). Returns how many registrations were anonymised."""
    from events.services.privacy import personal_data_purge_due  # noqa: PLC0415 (the services import the tasks)

    return sum(counts.registrations for _event, counts in personal_data_purge_due())


@task(takes_context=True)
def send_announcement(context, announcement_id: int) -> str:
    """Write and send an announcement's emails, throttled, under a lease (an announcement whose
    worker died is taken up again with this same task: core.leases)."""
    from events.services.announcements import announcement_deliver  # noqa: PLC0415 (the services import the tasks)

    return announcement_deliver(
        announcement_id=announcement_id, task_id=str(context.task_result.id)
    )
