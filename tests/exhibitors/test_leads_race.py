"""Races on PostgreSQL: eight members of a company scan the same visitor at the same instant.
One lead, every scan counted, one "captured" entry: the unique constraint decides (a control
shows that the constraint refuses a second lead written directly)."""

import pytest
from django.db import IntegrityError, transaction

from core.models import ActivityEntry
from exhibitors.models import Lead
from exhibitors.services.leads import lead_scan
from tests.exhibitors.test_concurrency import run_together
from tests.exhibitors.test_leads import colleague_of, member_of, visitor
from tests.factories.exhibitors import make_approved_booking

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_members_scanning_one_visitor_at_once_make_one_lead(event, booths, exhibitor):
    make_approved_booking(event, booths[0], exhibitor)
    guest = visitor(event, 1)
    members = [member_of(exhibitor)] + [colleague_of(exhibitor, n) for n in range(1, 8)]

    results = run_together(8, lambda i: lead_scan(member=members[i], event=event, code=guest.token))

    assert sorted(created for _lead, created in results) == [False] * 7 + [True]
    lead = Lead.objects.get()
    assert lead.scans == 8
    assert {found.pk for found, _created in results} == {lead.pk}
    actions = sorted(ActivityEntry.objects.filter(action__startswith="lead.").values_list("action"))
    assert actions == [("lead.captured",)] + [("lead.rescanned",)] * 7

    # The control: the database itself refuses a second lead for the same company and visitor.
    with pytest.raises(IntegrityError), transaction.atomic():
        Lead.objects.create(exhibitor=exhibitor, event=event, registration=guest)
