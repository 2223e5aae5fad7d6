from django.core.management.base import BaseCommand

from events.services import registration_emails_send_due, registrations_expire_unconfirmed


class Command(BaseCommand):
    help = (
        "Send the registration emails that are due (after a mail outage, or where the task "
        "backend cannot defer retries) and expire unconfirmed registrations whose link ran "
        "out. Safe to run from cron every few minutes."
    )

    def handle(self, *args, **options):
        sent = registration_emails_send_due()
        expired = registrations_expire_unconfirmed()
        self.stdout.write(f"Emails sent: {sent}. Unconfirmed registrations expired: {expired}.")
