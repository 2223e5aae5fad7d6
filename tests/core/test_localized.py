"""Values per language: the English value on English pages, the Vietnamese one otherwise, a
fallback marked lang="vi", everything escaped."""

from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation

from core.localized import localized, localized_text

TEMPLATE = Template('{% load localized %}[{{ o|localized:"zone" }}|{{ o|localized_text:"zone" }}]')


def _render(obj, language: str) -> str:
    with translation.override(language):
        return TEMPLATE.render(Context({"o": obj}))


def test_english_value_on_english_pages_vietnamese_on_vietnamese_ones():
    booth = SimpleNamespace(zone="Khu A", zone_en="Zone A")
    assert _render(booth, "en") == "[Zone A|Zone A]"
    assert _render(booth, "vi") == "[Khu A|Khu A]"


def test_missing_english_value_falls_back_marked_lang_vi_and_escaped():
    booth = SimpleNamespace(zone="Khu <B> & C", zone_en="  ")
    assert _render(booth, "en") == (
        '[<span lang="vi">Khu &lt;B&gt; &amp; C</span>|Khu &lt;B&gt; &amp; C]'
    )
    assert _render(booth, "vi") == "[Khu &lt;B&gt; &amp; C|Khu &lt;B&gt; &amp; C]"
    with translation.override("en"):
        value = localized(booth, "zone")
        assert value.language == "vi" and value.is_fallback
        assert localized_text(booth, "zone", "vi") == "Khu <B> & C"


def test_empty_values_render_nothing():
    assert _render(SimpleNamespace(zone="", zone_en=""), "en") == "[|]"
    assert _render(None, "en") == "[|]"
