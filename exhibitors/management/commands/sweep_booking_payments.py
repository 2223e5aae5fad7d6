from django.core.management.base import BaseCommand

from exhibitors.services.deadlines import booking_payments_sweep


class Command(BaseCommand):
    help = (
        "Send the payment reminders that are due, mark overdue the approved bookings not paid "
        "by their deadline and, where the event says so, release their booths. Every "
        "run_worker does this every few minutes; safe to run at any time, several at once."
    )

    def handle(self, *args, **options):
        result = booking_payments_sweep()
        self.stdout.write(
            f"Reminders: {result.reminded}. Overdue: {result.overdue}. Released: {result.released}."
        )
