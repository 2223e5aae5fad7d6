from django.core.management.base import BaseCommand

from events.services import registrations_expire_unconfirmed
from mail.services import emails_send_due


class Command(BaseCommand):
    help = (
        "Send the emails of the outbox that are due, of every kind (after a mail outage, or "
        "where the task backend cannot defer retries), and expire unconfirmed registrations "
        "whose link ran out. Safe to run from cron every few minutes."
    )

    def handle(self, *args, **options):
        sent = emails_send_due()
        expired = registrations_expire_unconfirmed()
        self.stdout.write(f"Emails sent: {sent}. Unconfirmed registrations expired: {expired}.")
