"""A build of the proceedings: one PDF of a forum, kept as a Wagtail document.

Imported at the end of ``cms/models.py``, so its app is ``cms``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.proceedings.enums import ACTIVE_STATUSES, BuildStage, BuildStatus
from core.leases import LeasedJob

__all__ = ["ProceedingsBuild"]


class ProceedingsBuild(LeasedJob):
    """One build of a forum's proceedings. Builds are kept; at most one is published. Its
    worker holds a lease on the row (``core.leases``): a build whose worker died is taken up
    again."""

    forum = models.ForeignKey(
        "cms.ForumPage",
        verbose_name=_("forum"),
        on_delete=models.CASCADE,
        related_name="proceedings_builds",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=BuildStage.choices, default=BuildStage.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    report = models.JSONField(_("pre-flight report"), default=dict, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proceedings build")
        verbose_name_plural = _("proceedings builds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["forum"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="one_active_proceedings_build_per_forum",
            ),
            models.UniqueConstraint(
                fields=["forum"],
                condition=Q(is_published=True),
                name="one_published_proceedings_per_forum",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(status=BuildStatus.SUCCEEDED),
                name="published_proceedings_build_succeeded",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="proceedings_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.forum_id} · {self.created_at:%Y-%m-%d %H:%M} · {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
