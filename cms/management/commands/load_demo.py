from django.core.management.base import BaseCommand

from cms.demo import load_site
from events.demo import load_event, load_registrations


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
        forum = load_site(event)
        self.stdout.write(f"Site: {forum.get_parent().title} · {forum.title}")
        self.stdout.write(self.style.SUCCESS("Demo forum loaded."))
