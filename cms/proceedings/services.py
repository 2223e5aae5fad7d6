"""Business rules of the proceedings: pre-flight, build, publish. The admin views, the
``build_proceedings`` command and the task call these."""

from __future__ import annotations

import datetime as dt
import io
import logging
import time
from collections.abc import Callable

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pypdf import PdfReader
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from cms.models import ForumPage
from cms.proceedings import selectors
from cms.proceedings.content import book_build
from cms.proceedings.enums import ACTIVE_STATUSES, BuildStage, BuildStatus
from cms.proceedings.exceptions import (
    BuildAlreadyRunning,
    BuildNotPublishable,
    BuildNotStuck,
    NothingToPrint,
    ProceedingsError,
)
from cms.proceedings.models import ProceedingsBuild
from cms.proceedings.preflight import PreflightReport, book_preflight
from cms.proceedings.render import book_render_pdf
from core.activity import log_action
from core.leases import Lease, LeaseLost, job_requeue, lease_claim
from core.pdf import RestrictedURLFetcher
from core.text import fold

logger = logging.getLogger(__name__)

#: A build queued or running for longer than this is taken as lost (its worker died).
STALE_AFTER = dt.timedelta(minutes=30)
#: Collections of the builds' documents: drafts are for admin users only.
PUBLISHED_COLLECTION = "Kỷ yếu"
DRAFT_COLLECTION = "Kỷ yếu · bản dựng chưa công bố"

ProgressPrinter = Callable[[ProceedingsBuild], None]


def _log(build: ProceedingsBuild, action: str, *, by=None, changes: dict | None = None) -> None:
    """The activity entry ``proceedings.<action>`` of ``build``, filed under the forum's event."""
    event_id = ForumPage.objects.filter(pk=build.forum_id).values_list("event_id", flat=True)
    log_action(
        action=f"proceedings.{action}",
        obj=build,
        actor=by,
        changes=changes,
        event_id=event_id.first(),
    )


# --- Pre-flight -------------------------------------------------------------------------------


def proceedings_preflight(*, forum: ForumPage) -> PreflightReport:
    """What the forum's book would lack. Side effects: creates missing image renditions."""
    return book_preflight(book=book_build(forum=forum))


# --- Build ------------------------------------------------------------------------------------


def proceedings_build_create(
    *, forum: ForumPage, user=None, enqueue: bool = True
) -> ProceedingsBuild:
    """Queue a build of the forum's proceedings (one at a time per forum).

    Side effects: marks builds lost for ``STALE_AFTER`` (and holding no live lease) as failed;
    creates the build (the activity entry ``proceedings.build_queued`` by ``user``); on commit,
    enqueues ``proceedings_build_task`` when ``enqueue``. Raises ``BuildAlreadyRunning`` when a
    build of the forum is queued or running.
    """
    from cms.proceedings.tasks import proceedings_build_task  # noqa: PLC0415 (tasks import the services)

    with transaction.atomic():
        ProceedingsBuild.objects.filter(
            forum=forum,
            status__in=ACTIVE_STATUSES,
            created_at__lt=timezone.now() - STALE_AFTER,
        ).exclude(lease_until__gte=timezone.now()).update(
            status=BuildStatus.FAILED,
            stage=BuildStage.FAILED,
            error_code="lost",
            error=_("The build did not finish in time: its worker stopped."),
            finished_at=timezone.now(),
        )
        try:
            with transaction.atomic():
                build = ProceedingsBuild.objects.create(forum=forum, created_by=user)
        except IntegrityError as error:
            raise BuildAlreadyRunning() from error
        _log(build, "build_queued", by=user)
        if enqueue:
            transaction.on_commit(lambda: proceedings_build_task.enqueue(build.pk))
    return build


def proceedings_build_run(
    *, build_id: int, on_progress: ProgressPrinter | None = None, task_id: str = ""
) -> ProceedingsBuild:
    """Build the PDF of a queued build, from the forum's live content in the CMS, under a lease
    on the build's row (``core.leases``): a build queued, or running under a lapsed lease (its
    worker died), is taken and built from the start; every progress write renews the lease.

    Runs outside a transaction so that the admin sees its stage and progress as it goes.
    Side effects: updates the build (status, attempts, lease, stage, progress; at the end its
    document, pages, pre-flight report, or the reason it failed); creates image renditions;
    stores the PDF as a Wagtail document in the private collection of drafts; the activity
    entry ``proceedings.build_succeeded`` or ``proceedings.build_failed`` (by the system). A
    build that is not to be run (another worker holds it, or it is finished) is returned
    unchanged; a run whose lease was lost (the build was taken up again) records nothing.
    """
    lease = lease_claim(
        ProceedingsBuild,
        build_id,
        queued=Q(status=BuildStatus.QUEUED),
        running=Q(status=BuildStatus.RUNNING),
        task_id=task_id,
        status=BuildStatus.RUNNING,
        started_at=timezone.now(),
    )
    build = ProceedingsBuild.objects.get(pk=build_id)
    if lease is None:
        return build
    progress = _Progress(build, on_progress, lease)
    try:
        _build(build, progress, lease)
    except LeaseLost:
        logger.warning("Proceedings build %s was taken up by another worker", build.pk)
        return ProceedingsBuild.objects.get(pk=build.pk)
    except ProceedingsError as error:
        _fail(build, lease, code=error.code, message=str(error.message))
    except Exception as error:  # the admin shows why; the worker log has the traceback
        logger.exception("Proceedings build %s failed", build.pk)
        reason = f"{error.__class__.__name__}: {error}"[:500]
        message = _("Unexpected error: %(reason)s") % {"reason": reason}
        _fail(build, lease, code="unexpected", message=message)
    if on_progress:
        on_progress(build)
    return build


def _build(build: ProceedingsBuild, progress: _Progress, lease: Lease) -> None:
    """The build's work, then its outcome recorded (while the lease is still this run's)."""
    forum = ForumPage.objects.select_related("event", "locale").get(pk=build.forum_id)
    progress.stage(BuildStage.COLLECTING, 3)
    book = book_build(forum=forum)
    if not book.chapters:
        raise NothingToPrint()
    progress.stage(BuildStage.CHECKING, 10)
    report = book_preflight(book=book)
    progress.expected_pages = selectors.last_page_count(forum=forum) or (
        8 + 3 * len(book.chapters) + sum(paper.page_count for _c, paper in book.papers)
    )
    fetcher = RestrictedURLFetcher()
    pdf = book_render_pdf(book=book, fetcher=fetcher, on_progress=progress.render)
    progress.stage(BuildStage.SAVING, 96)
    page_count = len(PdfReader(io.BytesIO(pdf)).pages)
    with transaction.atomic():
        lease.heartbeat()  # still this run's (else LeaseLost: no document, no entry)
        build.document = _store_document(
            forum=forum, pdf=pdf, title=book.title, user=build.created_by
        )
        build.page_count = page_count
        build.report = {**report.as_dict(), "refused_urls": fetcher.refused[:50]}
        build.status, build.stage, build.progress = BuildStatus.SUCCEEDED, BuildStage.DONE, 100
        build.detail = ""
        build.finished_at = timezone.now()
        lease.finish(
            document=build.document,
            page_count=page_count,
            report=build.report,
            status=build.status,
            stage=build.stage,
            progress=100,
            detail="",
            finished_at=build.finished_at,
        )
        _log(build, "build_succeeded", changes={"page_count": [None, page_count]})


def proceedings_build_retry(*, build: ProceedingsBuild, user=None) -> ProceedingsBuild:
    """Take up a stuck build now (running under a lapsed lease: its worker died) rather than
    at the next worker's sweep (the admin's "Build again"). A failed build is not retried: a
    new build is (``proceedings_build_create``).

    Raises ``BuildNotStuck`` otherwise. Side effects: the build queued again (its task ready
    again, or a new one enqueued after commit); the activity entry ``proceedings.build_retried``
    by ``user``.
    """
    with transaction.atomic():
        build = ProceedingsBuild.objects.select_for_update().get(pk=build.pk)
        if build.status != BuildStatus.RUNNING or not build.lease_lapsed:
            raise BuildNotStuck()
        job_requeue(build)
        _log(build, "build_retried", by=user, changes={"status": ["running", "queued"]})
    build.refresh_from_db()
    return build


def _fail(build: ProceedingsBuild, lease: Lease, *, code: str, message: str) -> None:
    build.status, build.stage = BuildStatus.FAILED, BuildStage.FAILED
    build.error_code, build.error = code, message
    build.finished_at = timezone.now()
    with transaction.atomic():
        recorded = lease.finish(
            status=build.status,
            stage=build.stage,
            error_code=code,
            error=message,
            finished_at=build.finished_at,
        )
        if recorded:
            _log(build, "build_failed", changes={"error_code": [None, code]})


class _Progress:
    """Writes the stage and progress of a running build (at most every half second while
    pages are laid out), renewing its lease, and tells ``on_progress``."""

    LAYOUT_FROM, LAYOUT_TO = 12, 80

    def __init__(self, build: ProceedingsBuild, on_progress: ProgressPrinter | None, lease: Lease):
        self.build = build
        self.on_progress = on_progress
        self.lease = lease
        self.expected_pages = 0
        self.last_write = 0.0

    def stage(self, stage: str, progress: int, detail: str = "") -> None:
        self.build.stage, self.build.progress, self.build.detail = stage, progress, detail
        self.lease.heartbeat(stage=stage, progress=progress, detail=detail)
        self.last_write = time.monotonic()
        if self.on_progress:
            self.on_progress(self.build)

    def render(self, step: str, page: int) -> None:
        if step == "layout":
            if time.monotonic() - self.last_write < 0.5:
                return
            share = min(page / max(self.expected_pages, 1), 1.0)
            progress = round(self.LAYOUT_FROM + share * (self.LAYOUT_TO - self.LAYOUT_FROM))
            # WeasyPrint lays the pages out again when page numbers changed: never go back.
            progress = max(progress, self.build.progress)
            self.stage(BuildStage.LAYOUT, progress, _("page %(page)s") % {"page": page})
        elif step == "writing":
            self.stage(BuildStage.WRITING, 84)
        elif step == "papers":
            self.stage(BuildStage.PAPERS, 90)


# --- Documents and collections ----------------------------------------------------------------


def _store_document(*, forum: ForumPage, pdf: bytes, title: str, user=None):
    now = timezone.localtime()
    name = f"ky-yeu-{slugify(fold(forum.event.slug or forum.title))[:60]}-{now:%Y%m%d-%H%M%S}.pdf"
    label = f"{title} · {now:%d-%m-%Y %H:%M}"
    document = get_document_model()(
        title=label[:255],
        file=ContentFile(pdf, name=name),
        collection=_collection(DRAFT_COLLECTION, private=True),
        uploaded_by_user=user,
    )
    document._set_document_file_metadata()
    document.save()
    return document


def _collection(name: str, *, private: bool) -> Collection:
    """A collection under the root, created on first use. A private one is viewable only by
    the groups that may use the admin (and superusers)."""
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    collection = root.get_children().filter(name=name).first()
    if collection is None:
        collection = root.add_child(instance=Collection(name=name))
        if private:
            restriction = CollectionViewRestriction.objects.create(
                collection=collection, restriction_type=CollectionViewRestriction.GROUPS
            )
            restriction.groups.set(
                Group.objects.filter(
                    permissions__codename="access_admin",
                    permissions__content_type__app_label="wagtailadmin",
                )
            )
    return collection


# --- Publish ----------------------------------------------------------------------------------


def proceedings_publish(*, build: ProceedingsBuild, user=None) -> ProceedingsBuild:
    """Publish a finished build: the forum page links its PDF.

    Side effects: the forum's previously published build is unpublished (its PDF goes back to
    the private collection, it is not deleted); this build's PDF moves to the public
    collection; the forum page's ``proceedings_document`` (live and latest revision) is set;
    the activity entries ``proceedings.published`` (and ``unpublished`` for the other) by
    ``user``. Raises ``BuildNotPublishable`` unless the build succeeded and has its PDF.
    """
    with transaction.atomic():
        builds = {
            b.pk: b
            for b in ProceedingsBuild.objects.select_for_update(of=("self",))
            .filter(forum_id=build.forum_id)
            .select_related("document")
        }
        build = builds[build.pk]
        if build.status != BuildStatus.SUCCEEDED or build.document is None:
            raise BuildNotPublishable()
        for other in builds.values():
            if other.is_published and other.pk != build.pk:
                _unpublish(other, by=user)
        build.is_published, build.published_at = True, timezone.now()
        build.save(update_fields=["is_published", "published_at"])
        _log(build, "published", by=user, changes={"is_published": [False, True]})
        _move(build.document, PUBLISHED_COLLECTION, private=False)
        _link(forum_id=build.forum_id, document_id=build.document_id)
    return build


def proceedings_unpublish(*, build: ProceedingsBuild, user=None) -> ProceedingsBuild:
    """Withdraw a published build. Side effects: its PDF goes back to the private collection;
    the forum page no longer links it; the activity entry ``proceedings.unpublished`` by
    ``user``."""
    with transaction.atomic():
        build = (
            ProceedingsBuild.objects.select_for_update(of=("self",))
            .select_related("document")
            .get(pk=build.pk)
        )
        if build.is_published:
            _unpublish(build, by=user)
            _link(forum_id=build.forum_id, document_id=None, only_if=build.document_id)
    return build


def _unpublish(build: ProceedingsBuild, *, by) -> None:
    build.is_published, build.published_at = False, None
    build.save(update_fields=["is_published", "published_at"])
    _log(build, "unpublished", by=by, changes={"is_published": [True, False]})
    if build.document is not None:
        _move(build.document, DRAFT_COLLECTION, private=True)


def _move(document, name: str, *, private: bool) -> None:
    document.collection = _collection(name, private=private)
    document.save(update_fields=["collection"])


def _link(*, forum_id: int, document_id: int | None, only_if: int | None = None) -> None:
    """Set the forum page's ``proceedings_document`` on the live page and in its latest
    revision, so that the editor's next publish keeps it."""
    forum = ForumPage.objects.select_for_update().get(pk=forum_id)
    if only_if is not None and forum.proceedings_document_id != only_if:
        return
    ForumPage.objects.filter(pk=forum_id).update(proceedings_document_id=document_id)
    revision = forum.latest_revision
    if revision is not None and isinstance(revision.content, dict):
        revision.content["proceedings_document"] = document_id
        revision.save(update_fields=["content"])
