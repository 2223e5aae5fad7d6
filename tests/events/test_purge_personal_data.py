"""``manage.py purge_personal_data`` (cron) and its task: the retention purge of
events/services/privacy.py, a dry run first."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import ActivityEntry
from events.models import Registration
from events.tasks import purge_personal_data
from tests.events.services.test_privacy import purge_scene

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def test_the_command_says_what_it_would_do_then_does_it_once():
    old, *_rest = purge_scene()
    ended = timezone.localtime(old.ends_at).date().isoformat()
    line = (
        f"{old.slug} (ended {ended}, kept 180 days): 4 registrations, 1 invitations, "
        "2 check-ins, 1 scans, 4 emails.\n"
    )
    assert run("--dry-run") == f"Would anonymise {line}"
    assert Registration.objects.filter(event=old, purged_at__isnull=True).count() == 4

    assert run() == f"Anonymised {line}"
    assert Registration.objects.filter(event=old, purged_at__isnull=True).count() == 0
    entry = ActivityEntry.objects.get(action="event.personal_data_purged")
    assert entry.actor_label == "manage.py purge_personal_data"

    assert run() == "No event's personal data is due for deletion.\n"
    assert ActivityEntry.objects.filter(action="event.personal_data_purged").count() == 1


def test_the_task_purges_the_same_events():
    old, *_rest = purge_scene()
    assert purge_personal_data.call() == 4
    assert Registration.objects.filter(event=old, purged_at__isnull=True).count() == 0
    assert purge_personal_data.call() == 0
