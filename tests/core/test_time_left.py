"""The time left until a deadline ("còn 22 phút"), in words, by the server (core.time) and by
static/js/countdown.js (run by Node on the same words): both say the same."""

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from core.time import HCM, time_left, time_left_formats

COUNTDOWN_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "countdown.js"
DEADLINE = dt.datetime(2026, 12, 7, 9, 25, tzinfo=HCM)
SECONDS = [
    -3600,
    -1,
    0,
    1,
    59,
    60,
    61,
    119,
    22 * 60 + 59,
    3600,
    3600 + 59,
    3660,
    2 * 3600 + 300,
    86399,
    86400,
    86400 + 3599,
    2 * 86400 + 3 * 3600 + 59 * 60,
    7 * 86400,
]
EXPECTED = {
    "vi": {
        -1: "đã hết giờ",
        0: "đã hết giờ",
        59: "còn dưới 1 phút",
        60: "còn 1 phút",
        22 * 60 + 59: "còn 22 phút",
        3600: "còn 1 giờ",
        3660: "còn 1 giờ 1 phút",
        2 * 3600 + 300: "còn 2 giờ 5 phút",
        86400 + 3599: "còn 1 ngày",
        2 * 86400 + 3 * 3600 + 59 * 60: "còn 2 ngày 3 giờ",
    },
    "en": {
        -1: "time is up",
        59: "less than a minute left",
        60: "1 minute left",
        119: "1 minute left",
        22 * 60 + 59: "22 minutes left",
        3600: "1 hour left",
        3660: "1 hour 1 minute left",
        2 * 3600 + 300: "2 hours 5 minutes left",
        86400: "1 day left",
        2 * 86400 + 3 * 3600 + 59 * 60: "2 days 3 hours left",
    },
}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_time_left_in_words(language):
    with translation.override(language):
        for seconds, words in EXPECTED[language].items():
            assert time_left(DEADLINE, DEADLINE - dt.timedelta(seconds=seconds)) == words


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (npm installs it)")
@pytest.mark.parametrize("language", ["vi", "en"])
def test_countdown_js_says_what_the_server_says(language):
    """countdown.js run in a bare context (a fake element, no timer), on the words the page
    gives it and the server's clock half a second into each second."""
    with translation.override(language):
        words = time_left_formats()
        cases, expected = [], []
        for seconds in SECONDS:
            now = DEADLINE - dt.timedelta(seconds=seconds + 0.5)
            cases.append(
                {
                    "data-countdown": DEADLINE.isoformat(timespec="milliseconds"),
                    "data-now": now.isoformat(timespec="milliseconds"),
                    **{f"data-word-{key}": value for key, value in words.items()},
                }
            )
            expected.append(time_left(DEADLINE, now))
    script = """
const vm = require("vm"), fs = require("fs");
const code = fs.readFileSync(process.argv[1], "utf8");
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const out = cases.map(function (attrs) {
  const el = { textContent: "" };
  el.getAttribute = function (k) { return k in attrs ? attrs[k] : null; };
  vm.runInNewContext(code, {
    document: { querySelectorAll: function () { return [el]; } },
    setInterval: function () {},
  });
  return el.textContent;
});
process.stdout.write(JSON.stringify(out));
"""
    result = subprocess.run(
        ["node", "-e", script, str(COUNTDOWN_JS)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == expected
    assert len(set(expected)) > 10  # the cases say different things
