from django.core.management.base import BaseCommand

from cms.demo import load_home
from events.demo import load_event, load_registrations
from exhibitors.demo import load_exhibition


class Command(BaseCommand):
    help = "Load the demo forum (Hai Phong 2023) from the seed article. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--registration",
            choices=["open", "closed"],
            default="open",
            help=(
                "The demo forum is dated 27-12-2023: 'open' (default) leaves its registration "
                "open so that the flow can be tried; 'closed' closes it at the forum's start."
            ),
        )

    def handle(self, *args, **options):
        event = load_event()
        self.stdout.write(f"Event: {event.name}")
        counts = load_registrations(
            event, registration_open=options.get("registration", "open") == "open"
        )
        self.stdout.write("Registrations: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
        home = load_home(event)
        self.stdout.write(f"Home page: {home.title}")
        exhibition = load_exhibition(event)
        self.stdout.write(
            f"Exhibition: {exhibition['booths']} booths, {exhibition['approved']} approved bookings"
        )
        self.stdout.write(self.style.SUCCESS("Demo forum loaded."))
