"""One way to write a date and a time (app/i18n.py): the day before the month, the month in
words, in the reader's language and on their clock; threads say how long ago. No template
formats a date any other way."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.i18n import PATTERNS, format_ago, format_appointment, format_when, reader, time_tag

APP = Path(__file__).resolve().parents[2] / "app"
# 04:57 UTC on Monday 7 December 2026: 07:57 in Nairobi.
MOMENT = datetime(2026, 12, 7, 4, 57, tzinfo=UTC)

EXPECTED = {
    "en": {
        "day": "7 Dec 2026",
        "weekday": "Mon 7 Dec 2026",
        "day_and_time": "7 Dec 2026, 07:57",
        "weekday_and_time": "Mon 7 Dec 2026, 07:57",
        "time_of_day": "07:57",
        "day_month": "7 Dec",
    },
    "fr": {
        "day": "7 déc. 2026",
        "weekday": "lun. 7 déc. 2026",
        "day_and_time": "7 déc. 2026, 07:57",
        "weekday_and_time": "lun. 7 déc. 2026, 07:57",
        "time_of_day": "07:57",
        "day_month": "7 déc.",
    },
    "sw": {
        "day": "7 Des 2026",
        "weekday": "Jumatatu 7 Des 2026",
        "day_and_time": "7 Des 2026, 07:57",
        "weekday_and_time": "Jumatatu 7 Des 2026, 07:57",
        "time_of_day": "07:57",
        "day_month": "7 Des",
    },
}


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize("language", ["en", "fr", "sw"])
def test_every_format_in_every_language(request_context, language):
    assert set(EXPECTED[language]) == set(PATTERNS)
    with reader(language, "Africa/Nairobi"):
        written = {style: format_when(MOMENT, style) for style in PATTERNS}
        appointment = format_appointment(MOMENT)
    assert written == EXPECTED[language]
    assert appointment == f"{EXPECTED[language]['weekday_and_time']} (Africa/Nairobi)"


@pytest.mark.parametrize(
    ("language", "ago"),
    [
        ("en", ["just now", "5 minutes ago", "2 hours ago", "3 days ago", "7 Dec 2026"]),
        ("fr", ["à l’instant", "il y a 5 minutes", "il y a 2 heures", "il y a 3 jours", "7 déc. 2026"]),
        ("sw", ["sasa hivi", "dakika 5 zilizopita", "saa 2 zilizopita", "siku 3 zilizopita", "7 Des 2026"]),
    ],
)  # fmt: skip
def test_how_long_ago_then_the_day_after_a_week(request_context, language, ago):
    later = [timedelta(seconds=20), timedelta(minutes=5), timedelta(hours=2), timedelta(days=3)]
    with reader(language, "Africa/Nairobi"):
        written = [format_ago(MOMENT, MOMENT + elapsed) for elapsed in later]
        written.append(format_ago(MOMENT, MOMENT + timedelta(days=8)))
        # A clock a little ahead of the server's is "just now", never "in 10 seconds".
        assert format_ago(MOMENT, MOMENT - timedelta(seconds=10)) == written[0]
    assert written == ago


def test_a_time_element_says_how_long_ago_and_holds_the_exact_time(request_context):
    with reader("fr", "Asia/Kuala_Lumpur"):
        relative = str(time_tag(MOMENT, now=MOMENT + timedelta(hours=2)))
        absolute = str(time_tag(MOMENT, "day_and_time"))
    assert relative == (
        '<time datetime="2026-12-07T04:57:00Z" title="7 déc. 2026, 12:57">il y a 2 heures</time>'
    )
    assert absolute == '<time datetime="2026-12-07T04:57:00Z">7 déc. 2026, 12:57</time>'


def test_the_readers_clock_decides_the_day_but_a_due_day_stays_itself(request_context):
    late = datetime(2026, 12, 7, 20, 30, tzinfo=UTC)
    with reader("en", "Asia/Kuala_Lumpur"):  # UTC+8: already the 8th
        assert format_when(late, "day_and_time") == "8 Dec 2026, 04:30"
        assert format_when(date(2026, 12, 17)) == "17 Dec 2026"
    with reader("en", "Not/A_Zone"):  # an unknown zone reads as UTC, never fails
        assert format_when(late, "day_and_time") == "7 Dec 2026, 20:30"
    assert format_when(None) == "" and str(time_tag(None)) == ""


TEMPLATES = sorted(APP.glob("**/templates/**/*.html"))
# Ways of writing a date that are not the reader's, or not in their language: strftime,
# Babel's own filters (a locale's "short" style is month first in English), isoformat()
# shown as text, a date printed as it is (2026-12-07).
AD_HOC = re.compile(
    r"strftime|\|\s*(?:datetimeformat|dateformat|timeformat|timedeltaformat)\b"
    r"|isoformat\(|_(?:at|on)\s*\|\s*string\b"
)


def test_no_template_writes_a_date_its_own_way():
    assert TEMPLATES
    offenders = [
        f"{path.relative_to(APP)}:{n}: {line.strip()[:120]}"
        for path in TEMPLATES
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if AD_HOC.search(line)
    ]
    assert offenders == [], "write dates with app/i18n.py's filters (|day, |time_tag …)"


def test_no_code_formats_dates_with_babel_but_the_one_formatter():
    """Python that words a date for people goes through app.i18n too."""
    pattern = re.compile(
        r"\b(?:format_date|format_datetime|format_time|format_skeleton)\b|toLocale(?:Date)?String"
    )
    offenders = [
        str(path.relative_to(APP))
        for path in sorted(APP.rglob("*.py")) + sorted(APP.glob("static/js/*.js"))
        if path != APP / "i18n.py" and not path.name.endswith(".min.js")
        if pattern.search(path.read_text())
    ]
    # learning.js writes a draft's time (kept on the phone) in the browser, the same way.
    assert offenders == ["static/js/learning.js"]
    assert '"en-GB"' in (APP / "static/js/learning.js").read_text()


def test_babels_own_date_filters_are_gone(app):
    for name in ("datetimeformat", "dateformat", "timeformat", "timedeltaformat"):
        assert name not in app.jinja_env.filters
    for name in (*PATTERNS, "appointment", "ago", "time_tag"):
        assert name in app.jinja_env.filters
