"""What the groups services share: their error, and loading a group with the reader's place
in it."""

from __future__ import annotations

from sqlalchemy import select

from app.errors import N_, ServiceError
from app.extensions import db

from ..models import GroupMember

__all__ = ["N_", "GroupError", "membership_of"]


class GroupError(ServiceError):
    """Something about a group, thread or post a person can put right."""


def membership_of(user, group_id: int) -> GroupMember | None:
    """``user``'s place in the group (member or moderator), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(GroupMember).where(GroupMember.group_id == group_id, GroupMember.user_id == user.id)
    )
