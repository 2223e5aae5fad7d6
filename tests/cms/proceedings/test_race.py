"""Concurrency (PostgreSQL): one active build per forum, one published build per forum."""

import pytest
from django.db import connection

from cms.proceedings import services
from cms.proceedings.enums import BuildStatus
from cms.proceedings.exceptions import BuildAlreadyRunning
from cms.proceedings.models import ProceedingsBuild
from tests.conftest import ensure_wagtail_tree
from tests.factories.concurrency import at_once
from tests.factories.proceedings import make_forum

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def forum(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    ensure_wagtail_tree()
    return make_forum(sessions=1, paper_pages=0, images=False).forum


def request(forum):
    return lambda: services.proceedings_build_create(forum=forum, enqueue=False)


def test_two_build_requests_at_once_make_one_build(forum):
    for _ in range(5):
        results = at_once(request(forum), request(forum), request(forum))
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 2 and all(isinstance(e, BuildAlreadyRunning) for e in errors)
        assert ProceedingsBuild.objects.filter(forum=forum, status="queued").count() == 1
        ProceedingsBuild.objects.update(status=BuildStatus.FAILED)


def test_control_without_the_constraint_two_builds_run_at_once(forum):
    """What the partial unique constraint prevents: without it, requests at the same instant
    each start a build."""
    constraint = next(
        c
        for c in ProceedingsBuild._meta.constraints
        if c.name == "one_active_proceedings_build_per_forum"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(ProceedingsBuild, constraint)
    try:
        results = at_once(request(forum), request(forum), request(forum))
        assert not any(isinstance(r, Exception) for r in results)
        assert ProceedingsBuild.objects.filter(forum=forum, status="queued").count() == 3
    finally:
        ProceedingsBuild.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(ProceedingsBuild, constraint)


def test_two_publishes_at_once_leave_one_published_build(forum):
    builds = []
    for _ in range(2):
        build = services.proceedings_build_create(forum=forum, enqueue=False)
        builds.append(services.proceedings_build_run(build_id=build.pk))
    for _ in range(3):
        results = at_once(*(lambda b=b: services.proceedings_publish(build=b) for b in builds))
        assert not any(isinstance(r, Exception) for r in results), results
        published = list(ProceedingsBuild.objects.filter(is_published=True))
        assert len(published) == 1
        forum.refresh_from_db()
        assert forum.proceedings_document_id == published[0].document_id
