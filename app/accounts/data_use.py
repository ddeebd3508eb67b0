"""What Headway spent of each person's data this month, as the server saw it.

Media bytes are counted where media is served (``app/media/routes.py``): a segment or file
the phone already holds is never requested again, so it is not counted twice. Pages are an
estimate: each HTML response's size as sent. Both are one upsert per response on the row
of (person, month), so concurrent requests add up instead of racing.
"""

from __future__ import annotations

from datetime import datetime

from app.db import upsert, utcnow
from app.extensions import db

from .models import DataUsage, User


def month_of(now: datetime | None = None) -> str:
    return (now or utcnow()).strftime("%Y-%m")


def add_data_use(
    user_id: int, *, media_bytes: int = 0, page_bytes: int = 0, now: datetime | None = None
) -> None:
    """Add to this month's row for ``user_id`` (one statement). A building block: never
    commits; the caller commits with its own unit of work or right after."""
    if media_bytes <= 0 and page_bytes <= 0:
        return
    upsert(
        DataUsage,
        {
            "user_id": user_id,
            "month": month_of(now),
            "media_bytes": media_bytes,
            "page_bytes": page_bytes,
        },
        key=("user_id", "month"),
        update={
            "media_bytes": DataUsage.media_bytes + media_bytes,
            "page_bytes": DataUsage.page_bytes + page_bytes,
        },
    )


def record_data_use(user_id: int, *, media_bytes: int = 0, page_bytes: int = 0) -> None:
    """:func:`add_data_use` as a unit of work of its own (commits)."""
    add_data_use(user_id, media_bytes=media_bytes, page_bytes=page_bytes)
    db.session.commit()


def month_usage(user: User, now: datetime | None = None) -> DataUsage:
    """This month's row, or an empty one (not added to the session)."""
    row = db.session.get(DataUsage, (user.id, month_of(now)))
    return row or DataUsage(user_id=user.id, month=month_of(now), media_bytes=0, page_bytes=0)


def bytes_left(user: User, now: datetime | None = None) -> int | None:
    """What remains of the person's monthly limit (never below 0), or None without a limit."""
    if not user.data_limit_mb:
        return None
    return max(0, user.data_limit_mb * 1_000_000 - month_usage(user, now).total_bytes)
