from django.core.management.base import BaseCommand

from exhibitors.services import booking_expire_due


class Command(BaseCommand):
    help = (
        "Expire booth holds whose deadline has passed and email the exhibitors. Run it every "
        "minute from cron (holds also read as expired at once, and the task worker expires each "
        "hold at its deadline)."
    )

    def handle(self, *args, **options):
        count = booking_expire_due()
        self.stdout.write(f"{count} hold(s) expired.")
