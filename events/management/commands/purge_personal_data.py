from django.core.management.base import BaseCommand
from django.utils import timezone

from core.activity import Actor
from events.services.privacy import personal_data_purge_due


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of every event whose retention period is over (Decree "
        "13/2023/NĐ-CP): names, emails, phones, organizations, positions, answers, scan logs "
        "and the emails' recipients; counts and statistics stay. Idempotent: safe to run from "
        "cron every day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be anonymised; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        done = personal_data_purge_due(
            dry_run=dry_run, by=Actor.system("manage.py purge_personal_data")
        )
        verb = "Would anonymise" if dry_run else "Anonymised"
        for event, counts in done:
            ended = timezone.localtime(event.ends_at).date().isoformat()
            self.stdout.write(
                f"{verb} {event.slug} (ended {ended}, kept {event.retention_days} days): "
                f"{counts.registrations} registrations, {counts.invitations} invitations, "
                f"{counts.checkins} check-ins, {counts.scans} scans, {counts.emails} emails."
            )
        if not done:
            self.stdout.write("No event's personal data is due for deletion.")
