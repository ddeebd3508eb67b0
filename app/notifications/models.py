"""One row per thing a person should know about; read when they open it or mark all read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        # The same event told twice (a retried job, a double tap) is one notification.
        Index("uq_notifications_user_id_dedupe_key", "user_id", "dedupe_key", unique=True),
        # The list and the badge: a person's newest first, and their unread ones.
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    # Worded when shown, in the reader's language: the kind's template % params.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # A path on this site that the notification opens.
    url: Mapped[str] = mapped_column(String(500))
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a daily e-mail digest included it (never for people without e-mail).
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        state = "read" if self.read_at else "unread"
        return f"<Notification {self.id} user={self.user_id} {self.kind} {state}>"
