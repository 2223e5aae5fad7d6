from django.core.management.base import BaseCommand

from cms.demo import load_home
from events.demo import load_event


class Command(BaseCommand):
    help = "Load the demo forum (Hai Phong 2023) from the seed article. Safe to run again."

    def handle(self, *args, **options):
        event = load_event()
        self.stdout.write(f"Event: {event.name}")
        home = load_home(event)
        self.stdout.write(f"Home page: {home.title}")
        self.stdout.write(self.style.SUCCESS("Demo forum loaded."))
