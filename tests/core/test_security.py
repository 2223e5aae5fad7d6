"""Security headers (issue 13, section 5): a Content-Security-Policy without inline scripts,
the camera for the scanner only, Referrer-Policy and Cross-Origin-Opener-Policy."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


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
