"""Who may browse and edit the competency frameworks."""

from __future__ import annotations

from app.permissions import is_admin
from app.registry import predicate


@predicate
def can_manage_frameworks(user) -> bool:
    """Admins: browse, edit, import and export frameworks and their translations."""
    return is_admin(user)
