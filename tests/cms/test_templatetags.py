"""The site's template tags: the language switcher never links off the site."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

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
