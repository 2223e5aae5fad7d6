"""axe-core and the Nu Html Checker on every page of tests/a11y/pages.py, at both viewports:
0 critical and 0 serious axe violations, 0 Nu errors. Prints the table (pytest -s)."""

import shutil

import pytest

from tests.a11y.audit import AXE, VNU, audit, details, table
from tests.a11y.scene import demo_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_passes_axe_and_the_nu_checker(browser, live_server, tmp_path):
    from django.core.cache import cache

    if shutil.which("java") is None or not AXE.exists() or not VNU.exists():
        pytest.skip("needs java and the npm packages axe-core and vnu-jar (make setup)")
    cache.clear()
    scene = demo_scene()
    results = audit(browser, live_server, scene, tmp_path)
    cache.clear()
    print("\n" + table(results))
    problems = details(results)
    assert not problems, table(results) + "\n" + problems
