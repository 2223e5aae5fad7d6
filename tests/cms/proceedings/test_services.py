"""Pre-flight, security, build lifecycle, publishing and the command of the proceedings."""

import datetime as dt
import io
import unicodedata
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone
from pypdf import PdfReader
from wagtail.documents import get_document_model

from cms.models import ForumPage, SessionPage
from cms.proceedings import services
from cms.proceedings.enums import BuildStage, BuildStatus
from cms.proceedings.exceptions import BuildAlreadyRunning, BuildNotPublishable
from cms.proceedings.fonts import missing_glyphs
from cms.proceedings.models import ProceedingsBuild
from core.leases import LeaseLost, jobs_reclaim, lease_claim
from core.models import ActivityEntry
from tests.conftest import ensure_wagtail_tree
from tests.core import test_pdf as test_pdf_renderer
from tests.factories.proceedings import make_forum, page_texts

# A real HTTP server on 127.0.0.1 that records the requests it receives.
http_server = test_pdf_renderer.http_server


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def small_forum(db):
    """Two sessions, no images, no paper: quick to build."""
    ensure_wagtail_tree()
    return make_forum(sessions=2, paper_pages=0, images=False)


def build_now(forum: ForumPage) -> ProceedingsBuild:
    build = services.proceedings_build_create(forum=forum, enqueue=False)
    return services.proceedings_build_run(build_id=build.pk)


def pdf_of(build: ProceedingsBuild) -> bytes:
    with build.document.file.open("rb") as file:
        return file.read()


# --- Pre-flight -------------------------------------------------------------------------------


def vietnamese_alphabet() -> str:
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    lower = [unicodedata.normalize("NFC", v + t) for v in vowels for t in tones] + ["đ"]
    return "".join(lower) + "".join(ch.upper() for ch in lower) + "₫“”–—…"


def test_font_covers_every_vietnamese_letter_with_every_tone():
    alphabet = vietnamese_alphabet()
    assert len(alphabet) == 2 * (12 * 6 + 1) + 6
    assert missing_glyphs([("alphabet", alphabet)]) == []


def test_preflight_lists_characters_the_font_cannot_draw(small_forum):
    session = small_forum.sessions[0]
    session.title = "Hợp tác Việt – Nhật ★ 日本"
    session.abstract = "<p>Công thức ∑ và 日本.</p>"
    session.save()
    report = services.proceedings_preflight(forum=small_forum.forum)
    found = {glyph.codepoint: (glyph.char, glyph.name, glyph.where) for glyph in report.glyphs}
    assert found == {
        "U+2605": ("★", "BLACK STAR", ["Hợp tác Việt – Nhật ★ 日本"]),
        "U+65E5": ("日", "CJK UNIFIED IDEOGRAPH-65E5", ["Hợp tác Việt – Nhật ★ 日本"]),
        "U+672C": ("本", "CJK UNIFIED IDEOGRAPH-672C", ["Hợp tác Việt – Nhật ★ 日本"]),
        "U+2211": ("∑", "N-ARY SUMMATION", ["Hợp tác Việt – Nhật ★ 日本"]),
    }


def test_preflight_lists_sessions_and_speakers_that_lack_something(small_forum):
    report = services.proceedings_preflight(forum=small_forum.forum)
    assert report.sessions == 2
    assert sorted((item.code, item.where) for item in report.items) == [
        ("session_no_speaker", "Hạ tầng dữ liệu số và mô hình đô thị thông minh"),
        ("speaker_no_photo", "Hoàng Minh Cường"),
    ]
    (no_speaker,) = [item for item in report.items if item.code == "session_no_speaker"]
    assert no_speaker.edit_url == f"/admin/pages/{small_forum.sessions[1].pk}/edit/"
    assert report.glyphs == []


def test_preflight_reports_missing_images_and_unreadable_papers(db, media):
    ensure_wagtail_tree()
    forum = make_forum(sessions=3, paper_pages=2, images=True)
    khoa = forum.speakers[0]
    khoa.photo.file.storage.delete(khoa.photo.file.name)
    paper = forum.paper_session.paper
    paper.file.save("hong.pdf", ContentFile(b"%PDF-1.4 this is not a PDF"), save=True)
    report = services.proceedings_preflight(forum=forum.forum)
    items = {(item.code, item.where) for item in report.items}
    assert ("image_missing", "Diễn giả Nguyễn Văn Khoa") in items
    assert ("speaker_no_photo", "Nguyễn Văn Khoa") in items
    assert ("paper_unreadable", forum.paper_session.title) in items
    build = build_now(forum.forum)  # the book goes on without them
    assert build.status == BuildStatus.SUCCEEDED
    assert "PAPER-PAGE-1" not in " ".join(page_texts(pdf_of(build)))


def test_preflight_refuses_a_paper_over_the_page_limit(db, media, settings):
    settings.PROCEEDINGS_MAX_PAPER_PAGES = 3
    ensure_wagtail_tree()
    forum = make_forum(sessions=3, paper_pages=4, images=False)
    report = services.proceedings_preflight(forum=forum.forum)
    (too_long,) = [item for item in report.items if item.code == "paper_too_long"]
    assert too_long.where == forum.paper_session.title
    assert "4" in too_long.message and "3" in too_long.message
    build = build_now(forum.forum)  # the book goes on without it
    assert build.status == BuildStatus.SUCCEEDED
    assert "PAPER-PAGE-1" not in " ".join(page_texts(pdf_of(build)))
    settings.PROCEEDINGS_MAX_PAPER_PAGES = 200
    report = services.proceedings_preflight(forum=forum.forum)
    assert "paper_too_long" not in report.codes()


# --- Security ---------------------------------------------------------------------------------


def test_build_never_fetches_urls_from_content(small_forum, http_server):
    base, hits = http_server
    session = small_forum.sessions[0]
    session.abstract = (
        f'<p>Xem <a href="{base}/link">trang này</a>.<img src="{base}/tracker.png" alt=""></p>'
        f'<p style="background: url({base}/background.png)">Nền</p>'
    )
    session.save()
    speaker = small_forum.speakers[1]
    speaker.bio = f'<p>Tiểu sử.</p><img src="{base}/bio.png"><img src="file:///etc/passwd">'
    speaker.save()
    forum = small_forum.forum
    forum.foreword = f'<p>Lời nói đầu.</p><link rel="attachment" href="{base}/attach.txt">'
    forum.save()

    build = build_now(forum)

    assert build.status == BuildStatus.SUCCEEDED, build.error
    assert hits == []
    refused = set(build.report["refused_urls"])
    assert {f"{base}/tracker.png", f"{base}/background.png", f"{base}/bio.png"} <= refused
    elsewhere = [item for item in build.report["items"] if item["code"] == "image_elsewhere"]
    assert [item["where"] for item in elsewhere] == [
        session.title,
        "Diễn giả Hoàng Minh Cường",
        "Diễn giả Hoàng Minh Cường",
    ]
    text = " ".join(page_texts(pdf_of(build)))
    assert "Xem trang này." in text


# --- Build lifecycle --------------------------------------------------------------------------


def test_build_stores_a_document_and_records_its_progress(small_forum, django_user_model):
    user = django_user_model.objects.create_user("bientap", password="x")
    seen = []
    build = services.proceedings_build_create(forum=small_forum.forum, user=user, enqueue=False)
    assert (build.status, build.stage, build.progress) == ("queued", "queued", 0)
    build = services.proceedings_build_run(
        build_id=build.pk, on_progress=lambda b: seen.append((b.stage, b.progress))
    )
    assert build.status == BuildStatus.SUCCEEDED
    assert (build.stage, build.progress, build.error) == (BuildStage.DONE, 100, "")
    stages = [stage for stage, _progress in seen]
    assert stages[:2] == ["collecting", "checking"]
    assert stages[-2:] == ["saving", "done"]
    assert "writing" in stages
    progress = [value for _stage, value in seen]
    assert progress == sorted(progress)
    document = build.document
    assert document.title.startswith("Kỷ yếu · Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023 · ")
    assert document.file.name.endswith(".pdf")
    assert document.uploaded_by_user == user
    assert document.collection.name == services.DRAFT_COLLECTION
    assert document.file_size == len(pdf_of(build))
    assert build.page_count == len(PdfReader(io.BytesIO(pdf_of(build))).pages)


def test_build_of_a_forum_without_sessions_fails_with_its_reason(small_forum):
    SessionPage.objects.filter(pk__in=[s.pk for s in small_forum.sessions]).delete()
    build = build_now(small_forum.forum)
    assert build.status == BuildStatus.FAILED
    assert build.error_code == "no_sessions"
    assert (
        build.error
        == "Diễn đàn chưa có phiên nào để in: hãy thêm các phiên vào chương trình trước."
    )
    assert build.document is None


def test_second_build_while_one_is_queued_is_refused(small_forum):
    services.proceedings_build_create(forum=small_forum.forum, enqueue=False)
    with pytest.raises(BuildAlreadyRunning) as error:
        services.proceedings_build_create(forum=small_forum.forum, enqueue=False)
    assert error.value.code == "build_running"
    assert ProceedingsBuild.objects.count() == 1


def test_lost_build_is_failed_and_a_new_one_may_start(small_forum):
    lost = services.proceedings_build_create(forum=small_forum.forum, enqueue=False)
    ProceedingsBuild.objects.filter(pk=lost.pk).update(
        status=BuildStatus.RUNNING, created_at=timezone.now() - dt.timedelta(minutes=31)
    )
    fresh = services.proceedings_build_create(forum=small_forum.forum, enqueue=False)
    lost.refresh_from_db()
    assert (lost.status, lost.error_code) == (BuildStatus.FAILED, "lost")
    assert fresh.status == BuildStatus.QUEUED


def test_a_build_whose_worker_died_is_taken_up_again_and_finishes(
    small_forum, django_capture_on_commit_callbacks
):
    """Its worker claimed it, laid out pages, then died: the lease lapses, the sweep queues
    it again (a new task: the tests' backend keeps no task rows) and the build finishes once;
    the dead worker, back, records nothing."""
    build = services.proceedings_build_create(forum=small_forum.forum, enqueue=False)
    dead = lease_claim(
        ProceedingsBuild,
        build.pk,
        queued=Q(status=BuildStatus.QUEUED),
        running=Q(status=BuildStatus.RUNNING),
        status=BuildStatus.RUNNING,
    )
    dead.heartbeat(stage=BuildStage.LAYOUT, progress=40)
    lapsed = timezone.now() - dt.timedelta(seconds=1)
    ProceedingsBuild.objects.filter(pk=build.pk).update(lease_until=lapsed)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_reclaim() == 1
    build.refresh_from_db()
    assert (build.status, build.stage, build.progress, build.attempts) == (
        BuildStatus.SUCCEEDED,
        BuildStage.DONE,
        100,
        2,
    )
    assert build.page_count == len(PdfReader(io.BytesIO(pdf_of(build))).pages)
    assert get_document_model().objects.count() == 1
    with pytest.raises(LeaseLost):
        dead.heartbeat(progress=50)
    assert ActivityEntry.objects.filter(action="proceedings.build_succeeded").count() == 1


def test_a_build_holding_a_live_lease_is_not_failed_as_lost(small_forum):
    build = services.proceedings_build_create(forum=small_forum.forum, enqueue=False)
    ProceedingsBuild.objects.filter(pk=build.pk).update(
        status=BuildStatus.RUNNING,
        created_at=timezone.now() - dt.timedelta(minutes=31),
        lease_until=timezone.now() + dt.timedelta(minutes=1),
    )
    with pytest.raises(BuildAlreadyRunning):
        services.proceedings_build_create(forum=small_forum.forum, enqueue=False)
    build.refresh_from_db()
    assert build.status == BuildStatus.RUNNING


def test_build_runs_only_once(small_forum):
    build = build_now(small_forum.forum)
    again = services.proceedings_build_run(build_id=build.pk)
    assert again.document_id == build.document_id
    assert get_document_model().objects.count() == 1


def test_build_task_runs_on_commit(small_forum, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        build = services.proceedings_build_create(forum=small_forum.forum)
    assert len(callbacks) == 1
    build.refresh_from_db()
    assert build.status == BuildStatus.SUCCEEDED
    assert build.document is not None


# --- Publishing -------------------------------------------------------------------------------


def test_publish_links_the_pdf_and_a_new_build_keeps_the_published_one(small_forum, client):
    forum = small_forum.forum
    first = build_now(forum)
    assert client.get(first.document.url).status_code == 302  # drafts: admin users only

    services.proceedings_publish(build=first)
    forum.refresh_from_db()
    assert forum.proceedings_document == first.document
    assert client.get(first.document.url).status_code == 200
    assert forum.latest_revision.content["proceedings_document"] == first.document_id

    second = build_now(forum)
    first.refresh_from_db()
    assert first.is_published and first.document is not None  # still there, still linked
    forum.refresh_from_db()
    assert forum.proceedings_document == first.document

    services.proceedings_publish(build=second)
    first.refresh_from_db()
    forum.refresh_from_db()
    assert (first.is_published, first.document.collection.name) == (
        False,
        services.DRAFT_COLLECTION,
    )
    assert get_document_model().objects.filter(pk=first.document_id).exists()
    assert forum.proceedings_document == second.document
    # The editor's next publish of the forum page keeps the link.
    forum.get_latest_revision_as_object().save_revision().publish()
    forum.refresh_from_db()
    assert forum.proceedings_document == second.document


def test_publish_refuses_a_failed_build(small_forum):
    SessionPage.objects.filter(pk__in=[s.pk for s in small_forum.sessions]).delete()
    failed = build_now(small_forum.forum)
    with pytest.raises(BuildNotPublishable):
        services.proceedings_publish(build=failed)
    assert ProceedingsBuild.objects.filter(is_published=True).count() == 0


def test_unpublish_removes_the_link(small_forum):
    build = build_now(small_forum.forum)
    services.proceedings_publish(build=build)
    services.proceedings_unpublish(build=build)
    small_forum.forum.refresh_from_db()
    build.refresh_from_db()
    assert small_forum.forum.proceedings_document is None
    assert build.is_published is False
    assert build.document.collection.name == services.DRAFT_COLLECTION


def test_build_publish_and_unpublish_are_in_the_activity_log(small_forum, django_user_model):
    editor = django_user_model.objects.create_user(username="bien-tap", password="x")
    forum = small_forum.forum
    build = services.proceedings_build_create(forum=forum, user=editor, enqueue=False)
    services.proceedings_build_run(build_id=build.pk)
    services.proceedings_publish(build=build, user=editor)
    second = build_now(forum)
    services.proceedings_publish(build=second, user=editor)  # unpublishes the first
    services.proceedings_unpublish(build=second, user=editor)
    first_log = [
        (e.action, e.actor_kind, e.actor_user, e.event_id)
        for e in ActivityEntry.objects.for_object(build).order_by("pk")
    ]
    assert first_log == [
        ("proceedings.build_queued", "user", editor, forum.event_id),
        ("proceedings.build_succeeded", "system", None, forum.event_id),
        ("proceedings.published", "user", editor, forum.event_id),
        ("proceedings.unpublished", "user", editor, forum.event_id),
    ]
    second_log = [e.action for e in ActivityEntry.objects.for_object(second).order_by("pk")]
    assert second_log[-2:] == ["proceedings.published", "proceedings.unpublished"]


# --- Command ----------------------------------------------------------------------------------


def test_command_builds_and_prints_the_path_last(small_forum, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "book" / "ky-yeu.pdf"
    slug = small_forum.forum.event.slug
    call_command(
        "build_proceedings", "--event", slug, "--output", str(target), stdout=out, stderr=err
    )
    assert out.getvalue().splitlines()[-1] == str(target)
    assert target.read_bytes().startswith(b"%PDF-")
    assert "[100%] Xong" in err.getvalue()
    assert "session_no_speaker: Hạ tầng dữ liệu số và mô hình đô thị thông minh" in err.getvalue()
    build = ProceedingsBuild.objects.get()
    assert build.status == BuildStatus.SUCCEEDED
    assert target.read_bytes() == pdf_of(build)


def test_command_without_output_prints_the_document_path(small_forum):
    out = io.StringIO()
    call_command("build_proceedings", stdout=out, stderr=io.StringIO())
    path = Path(out.getvalue().splitlines()[-1])
    assert path == Path(ProceedingsBuild.objects.get().document.file.path)
    assert path.read_bytes().startswith(b"%PDF-")


def test_command_with_unknown_event_fails_clearly(small_forum):
    with pytest.raises(CommandError, match="No forum page for event=khong-co"):
        call_command("build_proceedings", "--event", "khong-co", stdout=io.StringIO())
