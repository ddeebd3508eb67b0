"""Threads tied to a lesson or a competency: "Discuss this lesson" opens the thread about it
in the leader's first group. Following the link only looks (:func:`find_lesson_discussion`):
link prefetchers and crawlers follow links too, and would otherwise make threads in
someone's name. Where there is none yet, the leader starts it with a button (a POST,
:func:`lesson_discussion`) — once, however many tap at the same time, because
``(group_id, lesson_id)`` is unique and the thread is made with ON CONFLICT DO NOTHING."""

from __future__ import annotations

from sqlalchemy import select

from app.db import upsert, utcnow
from app.extensions import db
from app.frameworks.models import Competency

from ..models import Thread
from ._common import N_, GroupError
from .groups import first_group_of
from .posting import TITLE_MAX


def _group_of(user):
    group = first_group_of(user)
    if group is None:
        raise GroupError(N_("You are not in a group yet. Your programme will add you to one."))
    return group


def _existing(group_id: int, column: str, subject_id: int) -> Thread | None:
    return db.session.scalars(
        select(Thread).where(Thread.group_id == group_id, getattr(Thread, column) == subject_id)
    ).one_or_none()


def _discussion(user, column: str, subject_id: int, title: str) -> Thread:
    group = _group_of(user)
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
    thread = created[0] if created else _existing(group.id, column, subject_id)
    db.session.commit()
    return thread


def get_competency(competency_id: int) -> Competency | None:
    """A competency a thread can be about (a retired one is no longer discussed)."""
    competency = db.session.get(Competency, competency_id)
    return None if competency is None or competency.retired else competency


def find_lesson_discussion(user, lesson) -> Thread | None:
    """The thread about ``lesson`` in ``user``'s first group, if it has been started."""
    return _existing(_group_of(user).id, "lesson_id", lesson.id)


def find_competency_discussion(user, competency) -> Thread | None:
    """The thread about ``competency`` in ``user``'s first group, if it has been started."""
    return _existing(_group_of(user).id, "competency_id", competency.id)


def lesson_discussion(user, lesson) -> Thread:
    """The thread about ``lesson`` in ``user``'s first group, made if there is none. Commits."""
    return _discussion(user, "lesson_id", lesson.id, lesson.title)


def competency_discussion(user, competency) -> Thread:
    """The thread about ``competency`` in ``user``'s first group, made if there is none.
    Commits."""
    return _discussion(
        user, "competency_id", competency.id, f"{competency.code} {competency.title}"
    )
