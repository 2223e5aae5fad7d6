"""Certificates of attendance: one per guest who entered a list that counts
(``CheckInList.counts_for_certificate``), with an unguessable code its QR and the public page
``/verify/<code>/`` check."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models.registration import Event, Registration

__all__ = ["Certificate", "new_certificate_code"]


def new_certificate_code() -> str:
    """128 random bits, URL-safe (22 characters): the verification code is unguessable."""
    return secrets.token_urlsafe(16)


class Certificate(models.Model):
    """A certificate of attendance. The name and the day are kept as printed: the verify page
    shows what the certificate says."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("event")
    )
    #: One certificate per guest (a registration belongs to one event): issuing again makes none.
    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="certificate",
        verbose_name=_("registration"),
    )
    code = models.CharField(
        _("verification code"), max_length=40, unique=True, default=new_certificate_code
    )
    full_name = models.CharField(_("full name"), max_length=120)
    attended_on = models.DateField(_("attended on"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")
        ordering = ["event", "full_name", "id"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.event})"
