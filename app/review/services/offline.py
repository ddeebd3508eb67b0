"""The phone's copy of the next days' review: the questions due within
``REVIEW_OFFLINE_DAYS``, each with its choices, its answer, the author's explanations and
the key its answer will carry, in the leader's language. The phone shows the ones whose
day has come, a day's number at a time, and queues the answers (``static/js/review.js``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from .today import Counts, DueQuestion, counts, day_start, due_questions


@dataclass
class OfflinePack:
    counts: Counts
    day: str  # the leader's day the counts are of (ISO date)
    questions: list[DueQuestion]


def offline_pack(user, now: datetime, language: str) -> OfflinePack:
    """What the phone keeps for the days ahead: two statements."""
    days = current_app.config["REVIEW_OFFLINE_DAYS"]
    found = counts(user, now)
    questions = due_questions(
        user, now, language, limit=found.per_day * (days + 1), until=now + timedelta(days=days)
    )
    return OfflinePack(found, day_start(now, user.timezone).date().isoformat(), questions)
