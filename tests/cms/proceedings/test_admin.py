"""The proceedings in the Wagtail admin: the button on the forum page, pre-flight, build with
stage and progress, failures with their reason, builds kept, publish."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.models import SessionPage
from cms.proceedings import services
from cms.proceedings.enums import BuildStage, BuildStatus
from cms.proceedings.models import ProceedingsBuild
from core.models import ActivityEntry
from tests.conftest import ensure_wagtail_tree
from tests.factories.proceedings import make_forum


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def forum(db):
    ensure_wagtail_tree()
    return make_forum(sessions=2, paper_pages=0, images=False).forum


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("bientap", "b@example.org", "x")
    client.force_login(user)
    return client


def url(name, *args):
    return reverse(f"cms_proceedings:{name}", args=args)


def test_forum_page_in_the_admin_offers_build_proceedings(admin, forum):
    response = admin.get(reverse("wagtailadmin_pages:edit", args=[forum.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{url("index", forum.pk)}"' in html
    assert "Dựng kỷ yếu" in html


def test_other_pages_do_not_offer_it(admin, forum):
    agenda = forum.get_children().first()
    html = admin.get(reverse("wagtailadmin_pages:edit", args=[agenda.pk])).content.decode()
    assert "/admin/proceedings/" not in html


def test_proceedings_admin_needs_a_login(client, forum):
    response = client.get(url("index", forum.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_preflight_page_lists_what_is_missing(admin, forum):
    response = admin.get(url("preflight", forum.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kỷ yếu sẽ có 2 phiên, 1 diễn giả, 0 bài tham luận và 0 đơn vị triển lãm." in html
    assert "Phiên chưa có diễn giả (1)" in html
    assert "Diễn giả chưa có ảnh (1)" in html
    assert f'action="{url("build", forum.pk)}"' in html


def test_build_button_runs_the_build_and_lists_it(admin, forum, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url("build", forum.pk))
    assert response.status_code == 302
    assert response["Location"] == url("index", forum.pk)
    build = ProceedingsBuild.objects.get()
    assert build.status == BuildStatus.SUCCEEDED
    html = admin.get(url("index", forum.pk)).content.decode()
    assert "Đã bắt đầu dựng kỷ yếu." in html
    assert "Hoàn tất" in html
    assert build.document.url in html
    assert f'action="{url("publish", build.pk)}"' in html
    assert 'http-equiv="refresh"' not in html


def test_running_build_shows_stage_and_progress_and_refreshes(admin, forum):
    ProceedingsBuild.objects.create(
        forum=forum,
        status=BuildStatus.RUNNING,
        stage=BuildStage.LAYOUT,
        progress=42,
        detail="trang 17",
        started_at=timezone.now(),
    )
    html = admin.get(url("index", forum.pk)).content.decode()
    assert "Dàn trang · trang 17" in html
    assert '<progress class="proceedings-progress" max="100" value="42">' in html
    assert '<meta http-equiv="refresh" content="3">' in html


def test_failed_build_shows_why(admin, forum, django_capture_on_commit_callbacks):
    SessionPage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url("build", forum.pk))
    html = admin.get(url("index", forum.pk)).content.decode()
    assert "Thất bại" in html
    assert (
        'data-error-code="no_sessions">Diễn đàn chưa có phiên nào để in: '
        "hãy thêm các phiên vào chương trình trước.</p>"
    ) in html


def test_second_build_while_one_runs_is_refused_with_a_message(admin, forum):
    services.proceedings_build_create(forum=forum, enqueue=False)
    response = admin.post(url("build", forum.pk), follow=True)
    assert "Kỷ yếu này đang được dựng." in response.content.decode()
    assert ProceedingsBuild.objects.count() == 1


def test_publish_and_withdraw_from_the_admin(admin, forum):
    build = services.proceedings_build_create(forum=forum, enqueue=False)
    build = services.proceedings_build_run(build_id=build.pk)
    response = admin.post(url("publish", build.pk), follow=True)
    html = response.content.decode()
    assert "Đã công bố: trang diễn đàn nay liên kết tới tệp PDF này." in html
    assert f'action="{url("unpublish", build.pk)}"' in html
    forum.refresh_from_db()
    assert forum.proceedings_document_id == build.document_id
    admin.post(url("unpublish", build.pk))
    forum.refresh_from_db()
    assert forum.proceedings_document_id is None


def test_build_view_refuses_get(admin, forum):
    assert admin.get(url("build", forum.pk)).status_code == 405
    assert ProceedingsBuild.objects.count() == 0


def test_index_queries_do_not_grow_with_builds(admin, forum, django_assert_num_queries):
    user = ProceedingsBuild._meta.get_field("created_by").related_model.objects.get()

    def add_builds(n):
        for _ in range(n):
            ProceedingsBuild.objects.create(
                forum=forum, status=BuildStatus.FAILED, error="x", created_by=user
            )

    add_builds(1)
    admin.get(url("index", forum.pk))  # warm caches (content types, site)
    with CaptureQueriesContext(connection) as one:
        admin.get(url("index", forum.pk))
    add_builds(9)
    with django_assert_num_queries(len(one.captured_queries)):
        response = admin.get(url("index", forum.pk))
    assert response.content.decode().count('<tr id="build-') == 10


def test_list_of_all_builds_is_view_only_with_export(admin, forum):
    build = services.proceedings_build_create(forum=forum, enqueue=False)
    build = services.proceedings_build_run(build_id=build.pk)
    response = admin.get(reverse("proceedings_builds:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert forum.title in html
    assert reverse("proceedings_builds:inspect", args=[build.pk]) in html
    assert reverse("proceedings_builds:add") not in html
    assert admin.get(reverse("proceedings_builds:add")).status_code == 302  # refused
    assert admin.get(reverse("proceedings_builds:edit", args=[build.pk])).status_code == 302
    assert admin.get(reverse("proceedings_builds:delete", args=[build.pk])).status_code == 302
    assert ProceedingsBuild.objects.count() == 1
    export = admin.get(reverse("proceedings_builds:index") + "?export=csv")
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert rows[1].startswith(f"{forum.title},")
    assert ",Hoàn tất," in rows[1]


def test_list_of_all_builds_queries_do_not_grow(admin, forum, django_assert_num_queries):
    user = ProceedingsBuild._meta.get_field("created_by").related_model.objects.get()
    ProceedingsBuild.objects.create(forum=forum, status=BuildStatus.FAILED, created_by=user)
    admin.get(reverse("proceedings_builds:index"))
    with CaptureQueriesContext(connection) as one:
        admin.get(reverse("proceedings_builds:index"))
    for _ in range(9):
        ProceedingsBuild.objects.create(forum=forum, status=BuildStatus.FAILED, created_by=user)
    with django_assert_num_queries(len(one.captured_queries)):
        admin.get(reverse("proceedings_builds:index"))


def stuck(forum) -> ProceedingsBuild:
    """A build whose worker died while laying out pages: running, its lease lapsed."""
    build = services.proceedings_build_create(forum=forum, enqueue=False)
    ProceedingsBuild.objects.filter(pk=build.pk).update(
        status=BuildStatus.RUNNING,
        stage=BuildStage.LAYOUT,
        progress=40,
        attempts=1,
        lease_owner="dead-worker",
        lease_until=timezone.now() - dt.timedelta(seconds=1),
    )
    return build


def test_a_stuck_build_is_built_again_from_the_admin_and_logged(
    admin, forum, django_capture_on_commit_callbacks
):
    build = stuck(forum)
    html = admin.get(url("index", forum.pk)).content.decode()
    assert 'data-error-code="stopped"' in html
    assert f'action="{url("retry", build.pk)}"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url("retry", build.pk))
    assert response["Location"] == url("index", forum.pk)
    build.refresh_from_db()
    assert (build.status, build.progress, build.attempts) == (BuildStatus.SUCCEEDED, 100, 2)
    assert build.document is not None
    entry = ActivityEntry.objects.get(action="proceedings.build_retried")
    assert (entry.actor_user.username, entry.changes) == (
        "bientap",
        {"status": ["running", "queued"]},
    )
    # Finished now: nothing to take up again.
    refused = admin.post(url("retry", build.pk), follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "Đã bắt đầu dựng lại kỷ yếu. Trang này hiển thị tiến độ.",  # the first answer's
        "Chỉ có thể tiếp nhận lại bản dựng có tiến trình xử lý đã dừng: hãy bắt đầu một bản "
        "dựng mới.",
    ]
    assert ActivityEntry.objects.filter(action="proceedings.build_retried").count() == 1


def test_a_build_still_under_its_lease_is_not_offered_again(admin, forum):
    build = stuck(forum)
    live = timezone.now() + dt.timedelta(minutes=1)
    ProceedingsBuild.objects.filter(pk=build.pk).update(lease_until=live)
    html = admin.get(url("index", forum.pk)).content.decode()
    assert url("retry", build.pk) not in html
    admin.post(url("retry", build.pk))
    build.refresh_from_db()
    assert (build.status, build.lease_owner) == (BuildStatus.RUNNING, "dead-worker")


def test_retrying_a_build_needs_the_right_to_edit_the_forum(client, forum, django_user_model):
    build = stuck(forum)
    visitor = django_user_model.objects.create_user("khach", password="x")
    visitor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(visitor)
    refused = client.post(url("retry", build.pk))
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")  # Wagtail: refused
    build.refresh_from_db()
    assert (build.status, build.lease_owner, build.attempts) == (
        BuildStatus.RUNNING,
        "dead-worker",
        1,
    )
    assert not ActivityEntry.objects.filter(action="proceedings.build_retried").exists()
