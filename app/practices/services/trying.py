"""Trying a practice: "I'll try this" makes it one of the leader's coaching actions, and
afterwards the leader says how it went; the practice keeps the counts and its author is
told. A leader has one try of a practice: both writes are one ``upsert`` each, so a
double tap leaves one row."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from app.accounts.models import User
from app.coaching import services as coaching
from app.db import upsert, utcnow
from app.extensions import db
from app.notifications import services as notifications
from app.units import building_block

from ..models import OUTCOMES, Practice, PracticeTry
from ..permissions import can_try_practice
from ._common import N_, PracticeError, practice_path

NOTE_MAX = 300
#: when the action a try becomes is due: a few weeks gives it a fair trial
TRY_FOR_DAYS = 28

# One kind for each outcome: a notification's params are not translated when shown.
notifications.kind("practices.worked", N_("A leader tried your practice and it worked: %(title)s"))
notifications.kind(
    "practices.partly", N_("A leader tried your practice and it partly worked: %(title)s")
)
notifications.kind(
    "practices.not", N_("A leader tried your practice and it was not for them: %(title)s")
)


def try_practice(practice: Practice, leader: User) -> PracticeTry:
    """The leader will try ``practice``: one try, and one coaching action on their latest
    check-in for their coach to see (none yet: the try waits without one). Commits."""
    if not can_try_practice(leader, practice):
        raise PracticeError(N_("Only a leader tries an approved practice of someone else's."))
    action = coaching.add_leader_action(
        leader.id,
        title=practice.title,
        due_on=(utcnow() + timedelta(days=TRY_FOR_DAYS)).date(),
        create_key=f"practice-{practice.id}",
    )
    values = {
        "practice_id": practice.id,
        "leader_id": leader.id,
        "action_id": action.id if action else None,
        "outcome_note": "",
        "created_at": utcnow(),
    }
    upsert(PracticeTry, values, key=("practice_id", "leader_id"))
    recount(practice.id)
    db.session.commit()
    return _the_try(practice, leader)


def report_outcome(practice: Practice, leader: User, outcome: str, note: str) -> PracticeTry:
    """How the leader's try went; saying it again replaces it. The author is told once
    per leader and outcome. Commits."""
    note = (note or "").strip()
    if outcome not in OUTCOMES:
        raise PracticeError(N_("Choose how it went."), "outcome")
    if len(note) > NOTE_MAX:
        raise PracticeError(N_("This is at most %(max)d characters."), "note", max=NOTE_MAX)
    if not can_try_practice(leader, practice):
        raise PracticeError(N_("Only a leader tries an approved practice of someone else's."))
    now = utcnow()
    values = {
        "practice_id": practice.id,
        "leader_id": leader.id,
        "outcome": outcome,
        "outcome_note": note,
        "created_at": now,
        "reported_at": now,
    }
    upsert(
        PracticeTry,
        values,
        key=("practice_id", "leader_id"),
        update=("outcome", "outcome_note", "reported_at"),
    )
    recount(practice.id)
    if practice.author_id is not None:
        notifications.notify(
            practice.author_id,
            f"practices.{outcome}",
            url=practice_path(practice.id),
            dedupe_key=f"practices.tried:{practice.id}:{leader.id}:{outcome}",
            title=practice.title,
        )
    db.session.commit()
    return _the_try(practice, leader)


@building_block
def recount(practice_id: int) -> None:
    """The practice's counts, recounted from its tries in one statement. Never commits."""

    def count(*where):
        return (
            select(func.count())
            .select_from(PracticeTry)
            .where(PracticeTry.practice_id == practice_id, *where)
            .scalar_subquery()
        )

    db.session.execute(
        update(Practice)
        .where(Practice.id == practice_id)
        .values(
            tried_count=count(),
            worked_count=count(PracticeTry.outcome == "worked"),
            partly_count=count(PracticeTry.outcome == "partly"),
            not_count=count(PracticeTry.outcome == "not"),
        )
    )


def _the_try(practice: Practice, leader: User) -> PracticeTry:
    db.session.refresh(practice)
    return db.session.scalars(
        select(PracticeTry).filter_by(practice_id=practice.id, leader_id=leader.id)
    ).one()


def tries_of(leader: User) -> list[tuple[PracticeTry, Practice]]:
    """The practices a leader is trying or tried, latest first (the coach's page too)."""
    rows = db.session.execute(
        select(PracticeTry, Practice)
        .join(Practice, Practice.id == PracticeTry.practice_id)
        .where(PracticeTry.leader_id == leader.id)
        .order_by(PracticeTry.created_at.desc())
    )
    return [(tried, practice) for tried, practice in rows]
