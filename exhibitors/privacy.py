"""Exhibitors' part of the personal data purge (``events.signals.personal_data_anonymised``):
a staff pass keeps the person's name, email and position beside its registration; a lead keeps
what the company's staff wrote about the visitor (its contact is read from the registration,
anonymised already)."""

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from exhibitors.models import BoothStaff, Lead


def staff_anonymise(sender, *, registration_ids: list[int], **kwargs) -> int:
    """Forget the details of the staff passes of ``registration_ids`` (their rows, status and
    times stay; the email becomes ``staff-<id>@anonymised.invalid``, unique per booking).
    Side effects: the rows. Returns how many."""
    return BoothStaff.objects.filter(registration_id__in=registration_ids).update(
        full_name="",
        position="",
        email=Concat(Value("staff-"), Cast("pk", CharField()), Value("@anonymised.invalid")),
    )


def leads_anonymise(sender, *, registration_ids: list[int], **kwargs) -> int:
    """Forget what exhibitors wrote about the visitors of ``registration_ids``: their leads'
    notes and tags (the rows, rating, times and number of scans stay: how many visitors a
    booth met). Side effects: the rows. Returns how many."""
    return Lead.objects.filter(registration_id__in=registration_ids).update(note="", tags=[])


def leads_of_visitor(sender, *, registration, **kwargs) -> dict:
    """The guest's data download (``events.signals.personal_data_collected``): which companies
    scanned their badge, when, and what their staff noted. Side effects: none."""
    leads = Lead.objects.filter(registration=registration).select_related("exhibitor")
    return {
        "exhibitor_leads": [
            {
                "exhibitor": lead.exhibitor.name,
                "first_scanned_at": timezone.localtime(lead.first_scanned_at).isoformat(),
                "last_scanned_at": timezone.localtime(lead.last_scanned_at).isoformat(),
                "scans": lead.scans,
                "note": lead.note,
                "rating": lead.rating,
                "tags": lead.tags,
            }
            for lead in leads.order_by("first_scanned_at", "pk")
        ]
    }
