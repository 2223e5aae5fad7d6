from django.core.management.base import BaseCommand

from events.services import registrations_expire_unconfirmed
from events.services.reminders import reminders_queue_due
from mail.services import emails_send_due


class Command(BaseCommand):
    help = (
        "Send the emails of the outbox that are due, of every kind (after a mail outage, or "
        "where the task backend cannot defer retries), expire unconfirmed registrations whose "
        "link ran out, and queue the reminders of events that start within a day. Safe to run "
        "from cron every few minutes."
    )

    def handle(self, *args, **options):
        reminders = reminders_queue_due()
        sent = emails_send_due()
        expired = registrations_expire_unconfirmed()
        self.stdout.write(
            f"Emails sent: {sent}. Unconfirmed registrations expired: {expired}. "
            f"Reminders queued: {reminders}."
        )
