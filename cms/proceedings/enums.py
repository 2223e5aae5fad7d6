"""Choices of the proceedings builds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BuildStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


#: A build in one of these statuses blocks another build of the same forum.
ACTIVE_STATUSES = (BuildStatus.QUEUED, BuildStatus.RUNNING)


class BuildStage(models.TextChoices):
    QUEUED = "queued", _("Waiting for the task worker")
    COLLECTING = "collecting", _("Reading sessions, speakers and exhibitors")
    CHECKING = "checking", _("Pre-flight check")
    LAYOUT = "layout", _("Laying out pages")
    WRITING = "writing", _("Writing the PDF")
    PAPERS = "papers", _("Appending the papers")
    SAVING = "saving", _("Saving the document")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
