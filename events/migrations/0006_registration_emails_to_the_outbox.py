"""Registration emails move to the product's one outbox (mail.Email): every row is copied with
its history (status, attempts, error, times), its kind namespaced ("confirmed" →
"registration.confirmed"), a reference to its registration and a new Message-ID; then
RegistrationEmail is removed (0007). Ids are kept when the outbox is still empty, so that a send task
queued before the move (events.tasks.send_registration_email) finds its email."""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations


def _message_id() -> str:
    host = urlsplit(settings.BASE_URL).hostname or "localhost"
    return f"<{uuid.uuid4().hex}@{host}>"


def forwards(apps, schema_editor):
    RegistrationEmail = apps.get_model("events", "RegistrationEmail")
    Email = apps.get_model("mail", "Email")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not RegistrationEmail.objects.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="events", model="registration")
    keep_ids = not Email.objects.exists()
    rows = RegistrationEmail.objects.select_related("registration").order_by("id")
    batch = []
    for old in rows.iterator(chunk_size=2000):
        batch.append(
            Email(
                id=old.id if keep_ids else None,
                kind=f"registration.{old.kind}",
                to=old.registration.email,
                language=old.registration.language or "vi",
                content_type=content_type,
                object_id=old.registration_id,
                context={},
                message_id=_message_id(),
                status=old.status,
                attempts=old.attempts,
                last_error=old.last_error,
                created_at=old.created_at,
                next_attempt_at=old.next_attempt_at,
                sent_at=old.sent_at,
            )
        )
        if len(batch) == 2000:
            Email.objects.bulk_create(batch)
            batch = []
    Email.objects.bulk_create(batch)
    if keep_ids:  # PostgreSQL's sequence does not move when ids are given
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Email]):
                cursor.execute(sql)


def backwards(apps, schema_editor):
    RegistrationEmail = apps.get_model("events", "RegistrationEmail")
    Email = apps.get_model("mail", "Email")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="events", model="registration").first()
    if content_type is None:
        return
    Registration = apps.get_model("events", "Registration")
    live = set(Registration.objects.values_list("id", flat=True))
    emails = Email.objects.filter(content_type=content_type, kind__startswith="registration.")
    RegistrationEmail.objects.bulk_create(
        RegistrationEmail(
            registration_id=email.object_id,
            kind=email.kind.removeprefix("registration."),
            status=email.status if email.status != "cancelled" else "skipped",
            attempts=email.attempts,
            last_error=email.last_error,
            created_at=email.created_at,
            next_attempt_at=email.next_attempt_at,
            sent_at=email.sent_at,
        )
        for email in emails.iterator()
        if email.object_id in live
    )
    emails.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0005_checkin_list_closes_after_opening_message"),
        ("mail", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
