"""The daily reminder: an in-app notification at the hour of the leader's day they chose
(``REVIEW_REMIND_HOUR`` unless they chose another, or none), only on a day something is
left to review, once a day (its dedupe key is the leader's date). Run every 15 minutes by
the job queue (``tasks.py``): a run finds, per time zone the leaders live in, those whose
hour it is and who have something left to review today, in one statement per zone.

"Something left" is what Learn's card counts: a question due, and fewer answered today
than the leader reviews a day. A reminder still unread once nothing is left (they did the
day's review, or what was due is no longer in it: a lesson withdrawn, a question taken out
of the review) is withdrawn, so it is neither counted on the badge nor e-mailed in the
digest: at once for the leader who answers (``answers.record_answer``), and for everyone
before the digest goes out (``notifications.withdraw_moot``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import aliased

from app.accounts.models import User, UserRole
from app.errors import N_
from app.extensions import db
from app.i18n import zone_named
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.roles import Role
from app.units import building_block

from ..models import ReviewSettings
from ._common import clock
from .today import answered_since, day_start, due_condition, learned_questions

KIND = "review.due"


@dataclass
class Reminded:
    zones: int = 0
    leaders: int = 0


def _review_path() -> str:
    """The review's path, built without a request (a job)."""
    script_name = urlsplit(current_app.config["PUBLIC_URL"]).path or "/"
    return current_app.url_map.bind("localhost", script_name=script_name).build("review.today")


def left_to_review(user_id, now: datetime, since: datetime):
    """Holds for a leader (``user_id``, a value or a column) with something left to review
    at ``now``: a question due, and fewer answered since ``since`` (the start of their day)
    than they review a day."""
    settings = aliased(ReviewSettings)  # not the one a caller may have joined
    per_day = select(settings.per_day).where(settings.user_id == user_id).scalar_subquery()
    wanted = func.coalesce(per_day, current_app.config["REVIEW_PER_DAY"])
    due = learned_questions(user_id).where(due_condition(now)).exists()
    return and_(due, answered_since(user_id, since) < wanted)


def leaders_to_remind(zone_name: str, hour: int, now: datetime) -> list[int]:
    """Leaders living in ``zone_name`` whose reminder hour is ``hour`` and who have
    something left to review at ``now``."""
    chosen = [ReviewSettings.remind_hour == hour]
    if current_app.config["REVIEW_REMIND_HOUR"] == hour:  # those who never chose
        chosen.append(ReviewSettings.user_id.is_(None))
    return list(
        db.session.scalars(
            select(User.id)
            .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == Role.LEADER.value))
            .outerjoin(ReviewSettings, ReviewSettings.user_id == User.id)
            .where(
                User.timezone == zone_name,
                User.active.is_(True),
                or_(*chosen),
                left_to_review(User.id, now, day_start(now, zone_name)),
            )
        )
    )


def send_reminders(now: datetime) -> Reminded:
    """Remind every leader whose hour it is and who has something left to review. Commits;
    running it again within the day tells nobody twice."""
    done = Reminded()
    path = _review_path()
    zones = db.session.scalars(select(func.distinct(User.timezone))).all()
    for zone_name in zones:
        local = now.astimezone(zone_named(zone_name))
        leaders = leaders_to_remind(zone_name, local.hour, now)
        done.zones += 1
        notifications.notify_many(
            leaders, KIND, url=path, dedupe_key=f"review:{local.date().isoformat()}"
        )
        done.leaders += len(leaders)
    db.session.commit()
    return done


@building_block
def withdraw_reminders(now: datetime, user=None) -> int:
    """Delete the unread reminders of leaders with nothing left to review at ``now``
    (:func:`left_to_review`): ``user``'s alone (after they answer), else everyone's, one
    statement per time zone with such reminders. How many went. Part of the caller's unit
    of work."""
    if user is not None:
        zones = [user.timezone]
    else:
        zones = db.session.scalars(
            select(func.distinct(User.timezone))
            .join(Notification, Notification.user_id == User.id)
            .where(Notification.kind == KIND, Notification.read_at.is_(None))
        ).all()
    withdrawn = 0
    for zone_name in zones:
        if user is not None:
            people = Notification.user_id == user.id
        else:
            people = Notification.user_id.in_(select(User.id).where(User.timezone == zone_name))
        result = db.session.execute(
            delete(Notification)
            .where(
                Notification.kind == KIND,
                Notification.read_at.is_(None),
                people,
                ~left_to_review(Notification.user_id, now, day_start(now, zone_name)),
            )
            .execution_options(synchronize_session=False)
        )
        withdrawn += result.rowcount
    return withdrawn


notifications.kind(
    KIND,
    N_("Your daily review is ready: two minutes to keep what you learned."),
    withdraw=lambda: withdraw_reminders(clock()),
)
