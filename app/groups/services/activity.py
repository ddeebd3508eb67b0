"""A leader's part in their peer groups, as their coach sees it: the groups, and how much
they post — counts and dates only, never what was said (a coach need not be a member)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db

from ..models import Group, GroupMember, Post, Thread

RECENT_DAYS = 30


@dataclass
class PeerActivity:
    groups: list[str]
    posts_recent: int  # in the last RECENT_DAYS days, removed ones not counted
    threads_recent: int
    last_post_at: datetime | None


def peer_activity(user_id: int, now: datetime | None = None) -> PeerActivity:
    """In three statements, however much the leader has posted."""
    since = (now or utcnow()) - timedelta(days=RECENT_DAYS)
    names = db.session.scalars(
        select(Group.name)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.user_id == user_id)
        .order_by(Group.name)
    ).all()
    posts, last = db.session.execute(
        select(
            func.count(Post.id).filter(Post.created_at >= since),
            func.max(Post.created_at),
        ).where(Post.author_id == user_id, Post.deleted_at.is_(None), Post.hidden_at.is_(None))
    ).one()
    threads = db.session.scalar(
        select(func.count(Thread.id)).where(Thread.author_id == user_id, Thread.created_at >= since)
    )
    return PeerActivity(list(names), posts or 0, threads or 0, last)
