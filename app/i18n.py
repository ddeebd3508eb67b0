"""Language and time zone (the person's setting, then their browser's, then English), and the
one way Headway writes a date or a time: in the reader's language, on the reader's clock.

Every date and time a person reads goes through :func:`format_when` (or the filters that
wrap it, :func:`init_app`): the day before the month, the month in words, a 24-hour clock —
"7 Dec 2026, 04:57", "7 déc. 2026, 04:57", "Jumatatu 7 Des 2026". A numeric date such as
"12/7/26" is 12 July to a reader in Nairobi and 7 December to one in Boston, so Headway never
writes one. Babel gives the words (month and weekday names) in the reader's language; the
order is ours, the same in every language. Threads say how long ago ("2 hours ago"), with the
exact time in the ``<time>`` element's title.

A job or command has no reader: :func:`reader` words things for someone (a digest's
recipient) in their language and on their clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel import dates as babel_dates
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import force_locale, get_locale, get_timezone, get_translations, gettext
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from app.db import utcnow

# The patterns, by use. Each puts the day before the month and names the month.
PATTERNS = {
    "day": "d MMM y",  # 7 Dec 2026 · 7 déc. 2026 · 7 Des 2026
    "weekday": "EEE d MMM y",  # Mon 7 Dec 2026 · lun. 7 déc. 2026 · Jumatatu 7 Des 2026
    "day_and_time": "d MMM y, HH:mm",  # 7 Dec 2026, 04:57
    "weekday_and_time": "EEE d MMM y, HH:mm",  # Mon 7 Dec 2026, 04:57
    "time_of_day": "HH:mm",  # 04:57
    "day_month": "d MMM",  # 7 Dec (a week on a chart, where the year is said above)
}
# How long a thread says "3 days ago" rather than the day itself.
RELATIVE_FOR = timedelta(days=7)


def select_locale() -> str:
    """Outside a request (a command, a job) there is no reader: the default language."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return (
        request.accept_languages.best_match(list(languages))
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


#: ``g``'s name for the signed-in person's time zone, noted when they are loaded
#: (``accounts.load_signed_in_user``): a commit expires their row, and reading it again
#: only to format a time would cost the request a statement.
SIGNED_IN_ZONE = "signed_in_zone"


def select_timezone() -> str | None:
    if not has_request_context():
        return None
    if SIGNED_IN_ZONE in g:
        return g.get(SIGNED_IN_ZONE)
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return None


def current_language() -> str:
    """The language being written now ("sw"). Read where Flask-Babel keeps the context's
    choice (``babel_locale``, which ``force_locale`` sets): a page asks dozens of times."""
    try:
        locale = g._flask_babel.babel_locale
    except (AttributeError, RuntimeError):  # not chosen yet; no application context
        locale = None
    return str(locale or get_locale() or "en")


def zone_named(name: str | None) -> tzinfo:
    """The time zone called ``name``; UTC when it is empty or unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def reader_zone() -> tzinfo:
    """The reader's time zone: the one :func:`reader` set, else the signed-in person's."""
    return g.get("_reader_zone") or get_timezone() or UTC


@contextmanager
def reader(locale: str | None, zone: str | None) -> Iterator[None]:
    """Word what is inside for someone who is not the current reader (a digest's
    recipient): messages in ``locale``, dates and times on the clock of ``zone``."""
    previous = g.get("_reader_zone")
    g._reader_zone = zone_named(zone)
    try:
        with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            yield
    finally:
        g._reader_zone = previous


def _locale() -> Locale:
    return get_locale() or Locale.parse(current_app.config["BABEL_DEFAULT_LOCALE"])


def _aware(moment: datetime) -> datetime:
    # Headway stores UTC (app.db.UTCDateTime); a naive value is one of those.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def format_when(value: date | datetime | None, style: str = "day") -> str:
    """``value`` in the reader's language, a moment on the reader's clock, written the
    ``style`` of :data:`PATTERNS` says. A date (a due day) has no clock: it is as given."""
    if value is None:
        return ""
    pattern = PATTERNS[style]
    if isinstance(value, datetime):
        return babel_dates.format_datetime(
            _aware(value), pattern, tzinfo=reader_zone(), locale=_locale()
        )
    return babel_dates.format_date(value, pattern, locale=_locale())


def format_appointment(moment: datetime | None) -> str:
    """A meeting on the reader's clock, naming their zone, since the other person may be in
    another: "Thu 3 Dec 2026, 09:00 (Asia/Kuala_Lumpur)"."""
    if moment is None:
        return ""
    return f"{format_when(moment, 'weekday_and_time')} ({reader_zone()})"


def format_ago(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago ``moment`` was, as a thread says it: "just now", "2 hours ago", "3 days
    ago"; the day itself ("2 Dec 2026") once it is a week old."""
    if moment is None:
        return ""
    elapsed = (now or utcnow()) - _aware(moment)
    if elapsed < timedelta(minutes=1):  # a clock a little ahead is "just now" too
        return gettext("just now")
    if elapsed >= RELATIVE_FOR:
        return format_when(moment, "day")
    return babel_dates.format_timedelta(-elapsed, threshold=1, add_direction=True, locale=_locale())


def machine_time(value: date | datetime) -> str:
    """The ``datetime`` attribute of a ``<time>`` element: ISO 8601, a moment in UTC."""
    if isinstance(value, datetime):
        return _aware(value).astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return value.isoformat()


def time_tag(value: date | datetime | None, style: str = "ago", now: datetime | None = None):
    """A ``<time>`` element: how long ago (``style="ago"``, the exact time in its title) or
    the moment written in one of :data:`PATTERNS`."""
    if value is None:
        return Markup("")
    # ``%``, not ``str.format``: Markup's format goes through string.Formatter, in Python,
    # several times slower, and a thread has a time on every post.
    if style == "ago":
        return Markup('<time datetime="%s" title="%s">%s</time>') % (
            machine_time(value),
            format_when(value, "day_and_time"),
            format_ago(value, now),
        )
    return Markup('<time datetime="%s">%s</time>') % (
        machine_time(value),
        format_when(value, style),
    )


# Flask-Babel's own filters take any pattern or a locale's "short" style (month first in
# English); taking them away leaves templates one way to write a date.
_BABEL_FILTERS = ("datetimeformat", "dateformat", "timeformat", "timedeltaformat")


def _catalogue():
    """The catalogue of the language being written now. Kept where Flask-Babel keeps the
    context's choices (``babel_translations``), which its ``force_locale`` and ``refresh``
    reset, so a digest worded for someone else still gets their language."""
    try:
        kept = g._flask_babel.babel_translations
    except (AttributeError, RuntimeError):  # not looked up yet; no application context
        kept = None
    if kept is None:
        kept = get_translations()  # makes g._flask_babel, in an application context
        if g:
            g._flask_babel.babel_translations = kept
    return kept


# Templates' ``_()``, ``gettext()`` and ``ngettext()``. They do what Jinja's i18n extension
# does with the callables Flask-Babel gives it (newstyle: translated, marked safe where the
# template escapes, then ``%``-formatted with escaped values), in one call instead of three
# through the template's context, and with the catalogue looked up once per language a
# request, not for each string: 7 µs a string instead of 24 (timed in a request context),
# and a page writes dozens to hundreds.
@pass_eval_context
def _template_gettext(eval_ctx, string: str, **variables) -> str:
    text = _catalogue().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_eval_context
def _template_ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
    text = _catalogue().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)
    variables.setdefault("num", num)
    return text % variables


def init_app(app: Flask) -> None:
    """The filters templates write dates and times with: ``{{ due_on|day }}``,
    ``{{ starts_at|appointment }}``, ``{{ post.created_at|time_tag }}`` …, and the
    templates' translation functions."""
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )
    for name in _BABEL_FILTERS:
        app.jinja_env.filters.pop(name, None)
    for style in PATTERNS:
        app.jinja_env.filters[style] = lambda value, style=style: format_when(value, style)
    app.jinja_env.filters["appointment"] = format_appointment
    app.jinja_env.filters["ago"] = format_ago
    app.jinja_env.filters["time_tag"] = time_tag
