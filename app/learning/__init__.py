"""Courses, micro-lessons and the leader's learning journey: Learn, lessons, growth."""

import functools
from datetime import timedelta

from babel.dates import format_timedelta
from flask import Blueprint
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app import registry
from app.permissions import can_learn

bp = Blueprint(
    "learning", __name__, template_folder="templates", url_prefix="/learn", cli_group="learning"
)

# In the shell (app/registry.py): leaders' first tab; frameworks on the home page.
registry.tab("learn", _l("Learn"), "learning.home", can_learn, order=10)
registry.home_cards("learning/_home_cards.html", order=10)

from . import cli, contributions, routes  # noqa: E402,F401  (views, commands, registry)


@bp.app_template_filter("duration")
def duration_filter(seconds: int | None) -> str:
    """A lesson's length in the reader's language: "54 sec", "6 min", "dakika 6"."""
    return _duration(seconds or 0, str(get_locale() or "en"))


@functools.lru_cache(maxsize=4096)
def _duration(seconds: int, locale: str) -> str:
    # Learn shows one per lesson; Babel's formatting cost some 60 µs each.
    return format_timedelta(
        timedelta(seconds=seconds), threshold=1.1, format="short", locale=locale
    )


@bp.app_template_filter("clock")
def clock_filter(seconds: int | None) -> str:
    """A position in a video, as on the player: 1:05."""
    seconds = int(seconds or 0)
    return f"{seconds // 60}:{seconds % 60:02d}"
