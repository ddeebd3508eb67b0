"""A practice's discussion thread, in its author's peer group (their first group, where
"Discuss this lesson" goes too). Only members of that group see the link or may start it;
anyone else reads the practice without it.

The thread is made on a POST, never by following a link (prefetchers and crawlers follow
links). It is made once, however many tap at once: each tap by the same member reuses the
thread its key made (``groups.start_thread_once`` with the key ``practice-<id>``), and the
practice → thread link is one ``INSERT … ON CONFLICT DO NOTHING`` on the practice; a member
who lost a race with another member discards the thread they made and goes to the one
linked.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select

from app.accounts.models import User
from app.db import upsert
from app.extensions import db
from app.groups import services as groups
from app.groups.models import GroupMember

from ..models import Practice, PracticeThread, Status
from ._common import N_, PracticeError, practice_path


@dataclass(frozen=True)
class Discussion:
    """Where a reader may discuss a practice: its group, and its thread once started."""

    group_id: int
    thread_id: int | None


def discussion_of(reader: User, practice: Practice) -> Discussion | None:
    """The practice's discussion if ``reader`` is a member of its group and the practice
    is approved, else None (they see the practice without it)."""
    if practice.status != Status.APPROVED or practice.author_id is None:
        return None
    link = db.session.get(PracticeThread, practice.id)
    if link is not None:
        group_id, thread_id = link.group_id, link.thread_id
    else:
        group = groups.first_group_of(practice.author)
        if group is None:
            return None
        group_id, thread_id = group.id, None
    member = db.session.scalar(
        select(GroupMember.user_id).where(
            GroupMember.group_id == group_id, GroupMember.user_id == reader.id
        )
    )
    return Discussion(group_id, thread_id) if member is not None else None


def discuss(practice: Practice, reader: User) -> int:
    """The id of the practice's thread, started by ``reader`` if there is none yet.
    Commits."""
    where = discussion_of(reader, practice)
    if where is None:
        raise PracticeError(N_("Only members of the author's group discuss this practice."))
    if where.thread_id is not None:
        return where.thread_id
    group = groups.get_group(where.group_id)
    body = gettext(
        "A practice from the library, to discuss here: %(url)s", url=practice_path(practice.id)
    )
    thread, made = groups.start_thread_once(
        group, reader, practice.title, body, f"practice-{practice.id}"
    )
    linked = upsert(
        PracticeThread,
        {"practice_id": practice.id, "thread_id": thread.id, "group_id": group.id},
        key=("practice_id",),
    )
    if linked:
        db.session.commit()
        return thread.id
    thread_id = db.session.scalar(
        select(PracticeThread.thread_id).where(PracticeThread.practice_id == practice.id)
    )
    if made and thread_id != thread.id:
        groups.discard_thread(thread.id)
    db.session.commit()
    return thread_id
