import io
import re

from django.core.management import call_command
from django.http import HttpRequest


def test_ensure_organizer_prints_a_login_that_opens_the_admin(
    client, demo_forum, settings, tmp_path
):
    settings.BASE_DIR = tmp_path
    out = io.StringIO()
    call_command("ensure_organizer", stdout=out)
    username, password = re.search(r"Organizer login: (\S+) / (\S+)", out.getvalue()).groups()
    assert username == "organizer"
    assert client.login(request=HttpRequest(), username=username, password=password)
    assert client.get("/admin/").status_code == 200

    again = io.StringIO()
    call_command("ensure_organizer", stdout=again)
    assert f"{username} / {password}" in again.getvalue()  # printed again, not changed
    assert "(http://127.0.0.1:8000/admin/)" in again.getvalue()


def test_ensure_organizer_prints_the_admin_where_it_is_served(demo_forum, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    out = io.StringIO()
    call_command("ensure_organizer", admin_url="http://127.0.0.1:8010/admin/", stdout=out)
    assert out.getvalue().rstrip().endswith("(http://127.0.0.1:8010/admin/)")
