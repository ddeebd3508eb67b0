"""The audit log: what admins did (invitations, role changes, codes, imports, exports,
cohort changes, deletions), by whom and when. Every area may record into it; the programme
pages show and export it.

An entry names people only by their account id, never by name, phone or e-mail: when a
person's data is deleted their account row is anonymised, and the log keeps saying what
happened without saying to whom.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.units import building_block


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    target_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # What else it was about, as "kind:id" ("cohort:3", "import:12"); never a name.
    subject: Mapped[str] = mapped_column(String(80), default="")
    # Counts, roles, changed field names: nothing that identifies a person. An admin acting
    # for someone who asked by letter or phone adds how they asked and a reference of their
    # own, which the form asks never to be a name.
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} by={self.actor_id} on={self.target_user_id}>"


@building_block
def record(action: str, *, actor=None, target=None, subject: str = "", **details) -> AuditEntry:
    """Add an entry to the caller's unit of work; never commits, so the entry is stored
    exactly when the action it describes is."""
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", actor),
        target_user_id=getattr(target, "id", target),
        subject=subject,
        details=details,
    )
    db.session.add(entry)
    return entry
