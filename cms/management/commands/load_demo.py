from django.core.management.base import BaseCommand

from cms.demo import load_home
from events.demo import load_event
from exhibitors.demo import load_exhibition


class Command(BaseCommand):
    help = "Load the demo forum (Hai Phong 2023) from the seed article. Safe to run again."

    def handle(self, *args, **options):
        event = load_event()
        self.stdout.write(f"Event: {event.name}")
        home = load_home(event)
        self.stdout.write(f"Home page: {home.title}")
        exhibition = load_exhibition(event)
        self.stdout.write(
            f"Exhibition: {exhibition['booths']} booths, {exhibition['approved']} approved bookings"
        )
        self.stdout.write(self.style.SUCCESS("Demo forum loaded."))
