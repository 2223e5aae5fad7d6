from django.core.management.base import BaseCommand

from cms.demo import load_site
from events.demo import load_event


class Command(BaseCommand):
    help = "Load the demo forum (Hai Phong 2023) from the seed article. Safe to run again."

    def handle(self, *args, **options):
        event = load_event()
        self.stdout.write(f"Event: {event.name}")
        forum = load_site(event)
        self.stdout.write(f"Site: {forum.get_parent().title} · {forum.title}")
        self.stdout.write(self.style.SUCCESS("Demo forum loaded."))
