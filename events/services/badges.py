"""Badges in bulk: A4 sheets of four A6 badges, built by a background task with progress."""

import io
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from core.activity import log_action
from core.leases import Lease, LeaseLost, job_requeue, lease_claim
from core.pdfmerge import font_subset_tags_make_unique
from core.text import fold
from events.enums import RegistrationStatus
from events.exceptions import BadgeBatchNotRetryable
from events.models import AttendeeCategory, BadgeBatch, Event, Registration

logger = logging.getLogger(__name__)

#: Badges rendered per WeasyPrint document (a multiple of 4); progress is saved after each.
CHUNK = 100


def badge_batch_create(
    *,
    event: Event,
    category: AttendeeCategory | None = None,
    registrations: list[Registration] | None = None,
    by=None,
) -> BadgeBatch:
    """Queue a PDF of badge sheets for the confirmed registrations of ``category`` (or of the
    whole event), or for those of the given ``registrations`` that are confirmed (a badge is
    only ever printed for a seat; the build leaves out anyone cancelled meanwhile).

    Side effects: a BadgeBatch row; after commit, the ``build_badge_batch`` task.
    """
    queryset = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    if registrations is not None:
        order = {r.pk: n for n, r in enumerate(registrations)}
        seated = queryset.filter(pk__in=order).values_list("id", flat=True)
        ids = sorted(seated, key=order.__getitem__)
    else:
        if category is not None:
            queryset = queryset.filter(category=category)
        ids = list(
            queryset.order_by("category__sort_order", "search_key", "id").values_list(
                "id", flat=True
            )
        )
    batch = BadgeBatch.objects.create(
        event=event, category=category, registration_ids=ids, total=len(ids), created_by=by
    )

    def enqueue():
        from events.tasks import build_badge_batch  # noqa: PLC0415 (tasks import the services; WeasyPrint only for sheets)

        build_badge_batch.enqueue(batch.pk)

    transaction.on_commit(enqueue)
    return batch


def badge_sheets_build_pdf(
    *,
    registrations: list[Registration],
    progress: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
) -> bytes:
    """One PDF of A4 sheets for ``registrations``, rendered ``chunk`` badges at a time (memory
    stays flat) and merged with pypdf. Each badge in its holder's language, the document in the
    language of the whole batch (its title, author and language kept from the first chunk,
    which pypdf would drop). Each chunk's font subsets get tags of their own (WeasyPrint gives
    every chunk's subsets the same names). ``progress(done)`` is called after each chunk."""
    from events.pdf.badges import badge_sheets_language, badge_sheets_render_pdf  # noqa: PLC0415 (tasks import the services; WeasyPrint only for sheets)

    language = badge_sheets_language(registrations)
    writer = PdfWriter()
    subset_tags: set[str] = set()
    for start in range(0, len(registrations), chunk):
        part = registrations[start : start + chunk]
        reader = PdfReader(
            io.BytesIO(badge_sheets_render_pdf(registrations=part, language=language))
        )
        if start == 0:
            metadata = reader.metadata or {}
            writer.add_metadata(
                {key: metadata[key] for key in ("/Title", "/Author") if metadata.get(key)}
            )
            writer.root_object[NameObject("/Lang")] = TextStringObject(language)
        font_subset_tags_make_unique(reader, taken=subset_tags)
        writer.append(reader)
        if progress is not None:
            progress(start + len(part))
    if not registrations:
        writer.add_blank_page(width=595.28, height=841.89)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def badge_batch_build(*, batch_id: int, task_id: str = "") -> str:
    """Render the batch's sheets chunk by chunk, saving progress, then the merged PDF, under a
    lease on the row (``core.leases``): a batch queued, or building under a lapsed lease (its
    worker died), is taken; one that another worker holds or that is finished is left alone.
    It starts over from the first badge (idempotent: the same PDF, one file).

    Side effects: the batch's status, attempts, lease, progress (each chunk renews the lease),
    file (in the media storage) and error; nothing once the lease is lost (another worker took the
    batch up). Returns the final status, or the batch's status when it was not taken.
    """
    lease = lease_claim(
        BadgeBatch,
        batch_id,
        queued=Q(status=BadgeBatch.Status.QUEUED),
        running=Q(status=BadgeBatch.Status.RUNNING),
        task_id=task_id,
        status=BadgeBatch.Status.RUNNING,
        done=0,
        error="",
    )
    batch = BadgeBatch.objects.select_related("event", "category").get(pk=batch_id)
    if lease is None:
        return batch.status
    try:
        by_id = (
            Registration.objects.filter(status=RegistrationStatus.CONFIRMED)
            .select_related("event", "category")
            .in_bulk(batch.registration_ids)
        )
        registrations = [by_id[pk] for pk in batch.registration_ids if pk in by_id]
        pdf = badge_sheets_build_pdf(
            registrations=registrations, progress=lambda done: lease.heartbeat(done=done)
        )
    except LeaseLost:
        logger.warning("Badge batch %s was taken up by another worker", batch.pk)
        return BadgeBatch.objects.get(pk=batch.pk).status
    except Exception as error:
        logger.exception("Badge batch %s failed", batch.pk)
        lease.finish(
            status=BadgeBatch.Status.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
        return BadgeBatch.Status.FAILED
    return _badge_batch_save(batch, lease, pdf, done=len(registrations))


def _badge_batch_save(batch: BadgeBatch, lease: Lease, pdf: bytes, *, done: int) -> str:
    """Store the PDF and record the batch done, while the lease is still this run's (else the
    file is removed again: the run that took the batch up stores its own)."""
    name = slugify(fold(batch.category.name if batch.category else "badges")) or "badges"
    batch.file.save(f"{name}-{batch.pk}.pdf", ContentFile(pdf), save=False)
    recorded = lease.finish(
        file=batch.file.name,
        status=BadgeBatch.Status.DONE,
        done=done,
        total=done,
        finished_at=timezone.now(),
    )
    if not recorded:
        batch.file.delete(save=False)
        return BadgeBatch.objects.get(pk=batch.pk).status
    return BadgeBatch.Status.DONE


def badge_batch_retry(*, batch: BadgeBatch, by) -> BadgeBatch:
    """Build a failed batch again, or a stuck one (building under a lapsed lease: its worker
    died) now rather than at the next worker's sweep (the admin's "Retry").

    Raises ``BadgeBatchNotRetryable`` for a batch queued, building under a live lease, or done.
    Side effects: the batch queued again (progress 0, error cleared); its task ready again or a
    new one enqueued after commit; the activity entry ``badge_batch.retried`` by ``by``.
    """
    with transaction.atomic():
        batch = BadgeBatch.objects.select_for_update().get(pk=batch.pk)
        if not batch.may_retry:
            raise BadgeBatchNotRetryable()
        previous = batch.status
        job_requeue(batch, only_if_lapsed=False)
        BadgeBatch.objects.filter(pk=batch.pk).update(error="", finished_at=None)
        log_action(
            action="badge_batch.retried",
            obj=batch,
            actor=by,
            changes={"status": [previous, BadgeBatch.Status.QUEUED]},
            event_id=batch.event_id,
        )
    batch.refresh_from_db()
    return batch
