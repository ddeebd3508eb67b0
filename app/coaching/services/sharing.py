"""A leader shows their coach one notebook entry at a time; the rest stay private."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from app.accounts.models import User
from app.db import upsert, utcnow
from app.errors import N_
from app.extensions import db
from app.learning.models import Lesson, Reflection

from ..models import SharedEntry
from ._common import CoachingError


@dataclass
class NotebookEntry:
    reflection: Reflection
    lesson: Lesson
    shared: bool


def notebook(leader: User) -> list[NotebookEntry]:
    """The leader's notebook entries, newest first, each saying whether it is shared."""
    rows = db.session.execute(
        select(Reflection, Lesson, SharedEntry.reflection_id)
        .join(Lesson, Lesson.id == Reflection.lesson_id)
        .outerjoin(SharedEntry, SharedEntry.reflection_id == Reflection.id)
        .where(Reflection.user_id == leader.id, Reflection.body != "")
        .order_by(Reflection.updated_at.desc(), Reflection.id.desc())
    )
    return [NotebookEntry(r, lesson, shared is not None) for r, lesson, shared in rows]


def own_reflection(leader: User, reflection_id: int) -> Reflection | None:
    reflection = db.session.get(Reflection, reflection_id)
    return reflection if reflection is not None and reflection.user_id == leader.id else None


def share_entry(leader: User, reflection: Reflection) -> None:
    """Show ``reflection`` to the leader's coach; sharing again changes nothing. Commits."""
    pairing = leader.coach_pairing
    if pairing is None:
        raise CoachingError(N_("You have no coach to share with yet."))
    upsert(
        SharedEntry,
        {
            "reflection_id": reflection.id,
            "leader_id": leader.id,
            "coach_id": pairing.coach_id,
            "shared_at": utcnow(),
        },
        key=("reflection_id",),
        update=("coach_id", "shared_at"),
        where=SharedEntry.coach_id != pairing.coach_id,
    )
    db.session.commit()


def unshare_entry(leader: User, reflection: Reflection) -> None:
    """Make ``reflection`` private again. Commits."""
    db.session.execute(
        delete(SharedEntry).where(
            SharedEntry.reflection_id == reflection.id, SharedEntry.leader_id == leader.id
        )
    )
    db.session.commit()


def shared_with(coach: User, leader: User) -> list[NotebookEntry]:
    """What ``leader`` shared with ``coach``, newest first."""
    rows = db.session.execute(
        select(Reflection, Lesson)
        .join(SharedEntry, SharedEntry.reflection_id == Reflection.id)
        .join(Lesson, Lesson.id == Reflection.lesson_id)
        .where(SharedEntry.leader_id == leader.id, SharedEntry.coach_id == coach.id)
        .order_by(Reflection.updated_at.desc(), Reflection.id.desc())
    )
    return [NotebookEntry(r, lesson, True) for r, lesson in rows]
