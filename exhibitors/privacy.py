"""Exhibitors' part of the personal data purge (``events.signals.personal_data_anonymised``):
a staff pass keeps the person's name, email and position beside its registration."""

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from exhibitors.models import BoothStaff


def staff_anonymise(sender, *, registration_ids: list[int], **kwargs) -> int:
    """Forget the details of the staff passes of ``registration_ids`` (their rows, status and
    times stay; the email becomes ``staff-<id>@anonymised.invalid``, unique per booking).
    Side effects: the rows. Returns how many."""
    return BoothStaff.objects.filter(registration_id__in=registration_ids).update(
        full_name="",
        position="",
        email=Concat(Value("staff-"), Cast("pk", CharField()), Value("@anonymised.invalid")),
    )
