"""What the groups services share: their error, and loading a group with the reader's place
in it."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from app.errors import N_, ServiceError
from app.extensions import db

from ..models import GroupMember

__all__ = ["N_", "GroupError", "author_name", "membership_of"]


class GroupError(ServiceError):
    """Something about a group, thread or post a person can put right."""


def membership_of(user, group_id: int) -> GroupMember | None:
    """``user``'s place in the group (member or moderator), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    # The member is ``user``, already loaded: not joined again (nor their roles reloaded).
    return db.session.scalar(
        select(GroupMember)
        .where(GroupMember.group_id == group_id, GroupMember.user_id == user.id)
        .options(lazyload(GroupMember.user))
    )


def author_name(name: str | None) -> str:
    """How a post's or thread's author is named: a person whose data was erased (their name
    emptied) or whose account is gone is "a former member"; what they wrote stays."""
    return name or gettext("a former member")
