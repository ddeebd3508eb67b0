"""Who may manage people's accounts."""

from __future__ import annotations

from app.permissions import is_admin
from app.registry import predicate


@predicate
def can_manage_people(user) -> bool:
    """Admins: invite people, edit their roles and access, issue reset codes."""
    return is_admin(user)
