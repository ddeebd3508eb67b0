"""Threads tied to a lesson or a competency: "Discuss this lesson" opens the thread about it
in the leader's first group, made on first use — once, however many tap at the same time,
because ``(group_id, lesson_id)`` is unique and the thread is made with ON CONFLICT DO
NOTHING."""

from __future__ import annotations

from sqlalchemy import select

from app.db import upsert, utcnow
from app.extensions import db
from app.frameworks.models import Competency

from ..models import Thread
from ._common import N_, GroupError
from .groups import first_group_of
from .posting import TITLE_MAX


def _discussion(user, column: str, subject_id: int, title: str) -> Thread:
    group = first_group_of(user)
    if group is None:
        raise GroupError(N_("You are not in a group yet. Your programme will add you to one."))
    now = utcnow()
    values = {
        "group_id": group.id,
        "author_id": user.id,
        "title": title[:TITLE_MAX],
        column: subject_id,
        "created_at": now,
        "last_activity_at": now,
    }
    created = upsert(Thread, values, key=("group_id", column))
    if created:
        [thread] = created
    else:
        thread = db.session.scalars(
            select(Thread).where(Thread.group_id == group.id, getattr(Thread, column) == subject_id)
        ).one()
    db.session.commit()
    return thread


def get_competency(competency_id: int) -> Competency | None:
    """A competency a thread can be about (a retired one is no longer discussed)."""
    competency = db.session.get(Competency, competency_id)
    return None if competency is None or competency.retired else competency


def lesson_discussion(user, lesson) -> Thread:
    """The thread about ``lesson`` in ``user``'s first group, made if there is none. Commits."""
    return _discussion(user, "lesson_id", lesson.id, lesson.title)


def competency_discussion(user, competency) -> Thread:
    """The thread about ``competency`` in ``user``'s first group, made if there is none."""
    return _discussion(
        user, "competency_id", competency.id, f"{competency.code} {competency.title}"
    )
