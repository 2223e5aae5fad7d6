from django.core.management.base import BaseCommand

from cms.demo import load_site
from events.checkin.demo import load_checkin
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
        forum = load_site(event)
        self.stdout.write(f"Site: {forum.get_parent().title} · {forum.title}")
        exhibition = load_exhibition(event)
        self.stdout.write(
            f"Exhibition: {exhibition['booths']} booths, {exhibition['approved']} approved bookings"
        )
        checkin = load_checkin(event)
        lists = ", ".join(item.name for item in checkin["lists"])
        self.stdout.write(f"Check-in lists: {lists}; {checkin['arrivals']} demo arrivals")
        if checkin["pairing_link"]:
            self.stdout.write(
                f"Scanner pairing link ({checkin['device']}): {checkin['pairing_link']}"
            )
        self.stdout.write(self.style.SUCCESS("Demo forum loaded."))
