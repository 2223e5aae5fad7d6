"""The registration emails of before the outbox move into it with their history."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("events", "0005_checkin_list_closes_after_opening_message"), ("mail", "0001_initial")]
AFTER = [("events", "0007_delete_registrationemail")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_registration_emails_move_to_the_outbox_with_their_history_and_ids():
    old = migrate(BEFORE)
    try:
        Event = old.get_model("events", "Event")
        Category = old.get_model("events", "AttendeeCategory")
        Registration = old.get_model("events", "Registration")
        RegistrationEmail = old.get_model("events", "RegistrationEmail")
        event = Event.objects.create(
            slug="cu", name="Cũ", starts_at="2030-01-01T08:00Z", ends_at="2030-01-01T17:00Z"
        )
        category = Category.objects.create(event=event, name="Đại biểu", slug="dai-bieu")
        registration = Registration.objects.create(
            event=event,
            category=category,
            full_name="Nguyễn Văn Khoa",
            email="khoa@example.com",
            language="en",
            status="confirmed",
        )
        sent = RegistrationEmail.objects.create(
            registration=registration, kind="confirmed", status="sent", attempts=1
        )
        pending = RegistrationEmail.objects.create(
            registration=registration,
            kind="badge_reissued",
            status="pending",
            attempts=3,
            last_error="ConnectionRefusedError: down",
        )
        new = migrate(AFTER)
        Email = new.get_model("mail", "Email")
        rows = {e.pk: e for e in Email.objects.all()}
        assert set(rows) == {sent.pk, pending.pk}  # ids kept: queued tasks find their email
        moved = rows[pending.pk]
        assert (moved.kind, moved.status, moved.attempts, moved.last_error) == (
            "registration.badge_reissued",
            "pending",
            3,
            "ConnectionRefusedError: down",
        )
        assert (moved.to, moved.language, moved.object_id) == (
            "khoa@example.com",
            "en",
            registration.pk,
        )
        assert (moved.content_type.app_label, moved.content_type.model) == (
            "events",
            "registration",
        )
        assert rows[sent.pk].kind == "registration.confirmed"
        assert rows[sent.pk].message_id != moved.message_id
        assert "events_registrationemail" not in connection.introspection.table_names()
        fresh = Email.objects.create(kind="registration.confirmed", to="x@example.com")
        assert fresh.pk > pending.pk  # the sequence moved past the kept ids
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
