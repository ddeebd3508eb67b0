"""Who may run programmes."""

from __future__ import annotations

from app.permissions import is_admin
from app.registry import predicate


@predicate
def can_run_programmes(user) -> bool:
    """Cohorts, bulk invitations, reports, research exports, the audit log, erasures."""
    return is_admin(user)
