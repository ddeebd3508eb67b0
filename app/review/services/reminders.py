"""The daily reminder: an in-app notification at the hour of the leader's day they chose
(``REVIEW_REMIND_HOUR`` unless they chose another, or none), only on a day something is
due, once a day (its dedupe key is the leader's date). Run every 15 minutes by the job
queue (``tasks.py``): a run finds, per time zone the leaders live in, those whose hour it
is and who have a question due, in one statement per zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import and_, func, or_, select

from app.accounts.models import User, UserRole
from app.errors import N_
from app.extensions import db
from app.i18n import zone_named
from app.notifications import services as notifications
from app.roles import Role

from ..models import ReviewSettings
from .today import due_condition, learned_questions

notifications.kind(
    "review.due", N_("Your daily review is ready: two minutes to keep what you learned.")
)


@dataclass
class Reminded:
    zones: int = 0
    leaders: int = 0


def _review_path() -> str:
    """The review's path, built without a request (a job)."""
    script_name = urlsplit(current_app.config["PUBLIC_URL"]).path or "/"
    return current_app.url_map.bind("localhost", script_name=script_name).build("review.today")


def leaders_to_remind(zone_name: str, hour: int, now: datetime) -> list[int]:
    """Leaders living in ``zone_name`` whose reminder hour is ``hour`` and who have a
    question due at ``now``."""
    chosen = [ReviewSettings.remind_hour == hour]
    if current_app.config["REVIEW_REMIND_HOUR"] == hour:  # those who never chose
        chosen.append(ReviewSettings.user_id.is_(None))
    due = learned_questions(User.id).where(due_condition(now)).exists()
    return list(
        db.session.scalars(
            select(User.id)
            .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == Role.LEADER.value))
            .outerjoin(ReviewSettings, ReviewSettings.user_id == User.id)
            .where(User.timezone == zone_name, User.active.is_(True), or_(*chosen), due)
        )
    )


def send_reminders(now: datetime) -> Reminded:
    """Remind every leader whose hour it is and who has something due. Commits; running it
    again within the day tells nobody twice."""
    done = Reminded()
    path = _review_path()
    zones = db.session.scalars(select(func.distinct(User.timezone))).all()
    for zone_name in zones:
        local = now.astimezone(zone_named(zone_name))
        leaders = leaders_to_remind(zone_name, local.hour, now)
        done.zones += 1
        notifications.notify_many(
            leaders, "review.due", url=path, dedupe_key=f"review:{local.date().isoformat()}"
        )
        done.leaders += len(leaders)
    db.session.commit()
    return done
