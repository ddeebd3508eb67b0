"""What Headway spent of each person's data this month, as the server saw it.

Media bytes are counted where media is served (``app/media/routes.py``): a segment or file
the phone already holds is never requested again, so it is not counted twice. Pages are an
estimate: each HTML page a signed-in person is sent, at a quarter of its size (what brotli
sends of our HTML; compression happens after this hook sees it). With S3 the phone fetches
segments from the bucket, which the app does not see: only what the app serves is counted. Both are one upsert per response on the row
of (person, month), so concurrent requests add up instead of racing.
"""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import delete, select

from app import registry
from app.db import upsert, utcnow
from app.extensions import db
from app.units import building_block

from .models import DataUsage, User


def month_of(now: datetime | None = None) -> str:
    return (now or utcnow()).strftime("%Y-%m")


@building_block
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
    """:func:`add_data_use` as a unit of work of its own (commits), with the pages this
    process has counted for the person since their last write."""
    page_bytes += take_pending_pages(user_id)
    if media_bytes <= 0 and page_bytes <= 0:
        return
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


#: HTML compresses about fourfold with brotli (benchmarks/page_weight.py).
PAGE_COMPRESSION = 4
# Page bytes not yet written, per person, in this process. A write per page would cost each
# page a query; these go with the person's next media write, or when they look at Me.
_pending_pages: dict[int, int] = {}
_pending_lock = threading.Lock()


def count_page(user, response) -> None:
    """After a signed-in person's HTML page or fragment: note its estimated wire size."""
    # The response first: asking whether a person is signed in may reload them after a
    # commit, a query that a 204 or a redirect would spend for nothing.
    if response.mimetype != "text/html" or response.status_code != 200:
        return
    if response.direct_passthrough or not getattr(user, "is_authenticated", False):
        return
    size = (response.calculate_content_length() or 0) // PAGE_COMPRESSION
    if size:
        with _pending_lock:
            _pending_pages[user.id] = _pending_pages.get(user.id, 0) + size


def take_pending_pages(user_id: int) -> int:
    with _pending_lock:
        return _pending_pages.pop(user_id, 0)


def _export(user_id: int) -> list[dict]:
    rows = db.session.scalars(
        select(DataUsage).where(DataUsage.user_id == user_id).order_by(DataUsage.month)
    )
    return [
        {"month": r.month, "media_bytes": r.media_bytes, "page_bytes": r.page_bytes} for r in rows
    ]


# A person's data download includes their monthly data use; erasure removes it.
registry.personal_data(
    "data_use",
    export=_export,
    erase=lambda user_id: db.session.execute(delete(DataUsage).where(DataUsage.user_id == user_id)),
)
