"""A leader's choices for their review: how many questions a day, when to be reminded."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from app.db import upsert, utcnow
from app.errors import N_
from app.extensions import db

from ..models import ReviewSettings
from ._common import ReviewError

PER_DAY_CHOICES = range(3, 11)
HOURS = range(0, 24)


@dataclass
class Choices:
    per_day: int
    remind_hour: int | None  # None: no reminder


def choices(user) -> Choices:
    """``user``'s choices, or the defaults where they made none."""
    row = db.session.get(ReviewSettings, user.id)
    if row is None:
        config = current_app.config
        return Choices(config["REVIEW_PER_DAY"], config["REVIEW_REMIND_HOUR"])
    return Choices(row.per_day, row.remind_hour)


def save_choices(user, per_day: int, remind_hour: int | None) -> Choices:
    """Keep ``user``'s choices (3-10 a day; an hour 0-23, or None for no reminder). Commits."""
    if per_day not in PER_DAY_CHOICES:
        raise ReviewError(N_("Choose between 3 and 10 questions a day."), field="per_day")
    if remind_hour is not None and remind_hour not in HOURS:
        raise ReviewError(N_("Choose an hour of the day."), field="remind_hour")
    values = {
        "user_id": user.id,
        "per_day": per_day,
        "remind_hour": remind_hour,
        "updated_at": utcnow(),
    }
    upsert(
        ReviewSettings, values, key=("user_id",), update=["per_day", "remind_hour", "updated_at"]
    )
    db.session.commit()
    return Choices(per_day, remind_hour)
