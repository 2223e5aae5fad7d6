"""Smaller holes (issue 13, section 5): the language switcher stays on the site, secrets never
reach a log line, calendars carry the public URL, and the security headers."""

import io
import logging

import icalendar
import pytest
from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from core.logging import RedactSecrets, redact
from events.models import Registration
from events.services import registration_create
from tests.events.registration_factories import make_category, make_event

pytestmark = pytest.mark.django_db


def test_the_language_switcher_never_links_off_site(client):
    request = RequestFactory().get("/", PATH_INFO="//evil.example/")
    html = Template(
        "{% load site_tags %}{% language_links as links %}"
        "{% for l in links %}[{{ l.url }}]{% endfor %}"
    ).render(Context({"request": request}))
    assert "[//" not in html
    assert "[/evil.example/]" in html
    response = client.get("/", PATH_INFO="//evil.example/")
    body = response.content.decode()
    assert 'href="//' not in body
    assert "://evil.example" not in body.replace("testserver//evil.example", "")


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("Not Found: /registration/S3cr3tManageLink_abc/badge.pdf", "S3cr3tManageLink_abc"),
        ('"GET /en/register/confirm/MTI:1abc:xyz/ HTTP/1.1" 200', "MTI:1abc:xyz"),
        ("GET /exhibitor/invitations/InviteTok3n/ 404", "InviteTok3n"),
        ("GET /exhibitor/verify/MTI/c0ffee-1234abcd/ 302", "c0ffee-1234abcd"),
        ("GET /register/forum/?code=VIPCODE2026 200", "VIPCODE2026"),
        ("Authorization: Bearer fhd_AbCdEf0123456789xyzXYZ", "AbCdEf0123456789xyzXYZ"),
    ],
)
def test_secrets_are_redacted(line, secret):
    assert secret not in redact(line)
    assert "[redacted]" in redact(line)


def test_a_404_on_a_manage_link_logs_no_secret(client):
    """The console handler of LOGGING carries the filter: what django.request writes there."""
    (console,) = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler)
        and any(isinstance(f, RedactSecrets) for f in h.filters)
    ]
    stream = io.StringIO()
    old = console.setStream(stream)
    try:
        response = client.get("/registration/Sup3rSecretManageLinkValue/badge.pdf")
    finally:
        console.setStream(old)
    assert response.status_code == 404
    assert "/registration/[redacted]" in stream.getvalue()
    assert "Sup3rSecretManageLinkValue" not in stream.getvalue()


def test_calendars_carry_the_public_url_never_the_manage_link(
    client, django_capture_on_commit_callbacks
):
    event = make_event()
    category = make_category(event)
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(
            event=event,
            category=category,
            full_name="Nguyễn Văn Khoa",
            email="khoa@example.com",
            skip_email_confirmation=True,
        )
    registration = Registration.objects.get(pk=registration.pk)
    public = "http://127.0.0.1:8000" + reverse("events:register", args=[event.slug])
    ics = client.get(reverse("events:manage_ics", args=[registration.manage_secret])).content
    attached = [
        content
        for message in mail.outbox
        for name, content, _type in message.attachments
        if name.endswith(".ics")
    ]
    assert attached
    for calendar in (ics, *attached):
        data = calendar if isinstance(calendar, bytes) else calendar.encode()
        [vevent] = icalendar.Calendar.from_ical(data).walk("VEVENT")
        assert str(vevent["URL"]) == public
        assert registration.manage_secret.encode() not in data


def test_security_headers(client):
    response = client.get(reverse("events:checkin_pair"))
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert "frame-ancestors 'self'" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_only_the_scanner_may_use_the_camera(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("door", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_checkin"))
    client.force_login(user)
    response = client.get(reverse("events:checkin_scanner"))
    assert response.status_code == 200
    assert "camera=(self)" in response["Permissions-Policy"]


def test_no_inline_scripts_in_our_templates():
    """Every <script> of our templates has a src, or is data (JSON) that is never run."""
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if (
                "src=" not in tag
                and "application/ld+json" not in tag
                and "application/json" not in tag
            ):
                offenders.append((path.name, tag))
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append((path.name, "on…= handler"))
    assert offenders == []
