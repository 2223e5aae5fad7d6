import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cms.demo import load_site
from events.checkin.demo import load_checkin
from events.demo import load_event, load_registrations, next_forum_day
from exhibitors.demo import load_exhibition


class Command(BaseCommand):
    help = (
        "Load the demo forum (Hai Phong 2023) from the seed article, dated to the next 27 "
        "December unless --date says otherwise. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            metavar="YYYY-MM-DD",
            help=(
                "The forum's day (default: the next 27 December, today if it is the 27th; "
                "2023-12-27 for the historical forum). Every date of the demo moves with it; "
                "run again with another date to move it."
            ),
        )
        parser.add_argument(
            "--registration",
            choices=["open", "closed"],
            default="open",
            help=(
                "'open' (default) leaves the demo's registration open, whatever the forum's "
                "day, so that the flow can be tried; 'closed' closes it at the forum's start."
            ),
        )

    def handle(self, *args, **options):
        day = next_forum_day()
        if options.get("date"):
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"--date {options['date']!r}: give the day as YYYY-MM-DD, e.g. 2023-12-27."
                ) from None
        event = load_event(day=day)
        self.stdout.write(f"Event: {event.name}, {day.strftime('%d-%m-%Y')}")
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
