"""Secrets never reach a log line (issue 13, section 5): manage links, confirmation keys,
invitation tokens and codes, password-reset tokens and device keys are redacted."""

import io
import logging

import pytest

from core.logging import RedactSecrets, redact

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("Not Found: /registration/S3cr3tManageLink_abc/badge.pdf", "S3cr3tManageLink_abc"),
        ('"GET /en/register/confirm/MTI:1abc:xyz/ HTTP/1.1" 200', "MTI:1abc:xyz"),
        ("GET /exhibitor/invitations/InviteTok3n/ 404", "InviteTok3n"),
        ("GET /exhibitor/verify/MTI/c0ffee-1234abcd/ 302", "c0ffee-1234abcd"),
        ("GET /en/exhibitor/password/reset/MTI/cq1-5e2b0a7f9d/ 302", "cq1-5e2b0a7f9d"),
        ("GET /register/forum/?code=VIPCODE2026 200", "VIPCODE2026"),
        ("Authorization: Bearer fhd_AbCdEf0123456789xyzXYZ", "AbCdEf0123456789xyzXYZ"),
    ],
)
def test_secrets_are_redacted(line, secret):
    assert redact("GET /admin/snippets/events/registration/edit/12/") == (
        "GET /admin/snippets/events/registration/edit/12/"
    )
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
