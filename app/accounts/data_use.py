"""What Headway spent of each person's data this month, as the server saw it.

Media bytes are counted where media is served (``app/media/routes/files.py``): a segment or file
the phone already holds is never requested again, so it is not counted twice. Pages are an
estimate: each HTML page a signed-in person is sent, at a quarter of its size (what brotli
sends of our HTML; compression happens after this hook sees it). With S3 the phone fetches
segments from the bucket, which the app does not see: only what the app serves is counted.

Counting writes no row: serving a page or a file is a GET, and no GET writes (README,
"Conventions"). Each process adds what it sent up in memory (:class:`DataUseMeter`, per
app) and writes it every ``DATA_USE_FLUSH_S`` seconds, and at exit, with one upsert per
person and month on the row of (person, month), so processes add up instead of racing:
:func:`start_flushing`, started by the serving entry point (``wsgi.py``) in each process.
What a person sees (Me, the player's limit) is the row plus what this process has not
written yet. A process that dies unannounced loses at most that many seconds of counts.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import delete, inspect, select

from app import registry
from app.db import upsert, utcnow
from app.extensions import db
from app.units import building_block

from .models import DataUsage, User

log = logging.getLogger(__name__)


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


class DataUseMeter:
    """What this process has sent each person and not yet written: (person, month, kind)
    → bytes. One per app (``app.extensions["data_use"]``), so apps never mix counts."""

    def __init__(self) -> None:
        self._counts: Counter = Counter()
        self._lock = threading.Lock()

    def add(self, user_id: int, kind: str, size: int, now: datetime | None = None) -> None:
        if size > 0:
            with self._lock:
                self._counts[user_id, month_of(now), kind] += size

    def pending(self, user_id: int, month: str) -> tuple[int, int]:
        """(media bytes, page bytes) sent ``user_id`` in ``month`` and not yet written."""
        with self._lock:
            return self._counts[user_id, month, "media"], self._counts[user_id, month, "page"]

    def take(self) -> Counter:
        with self._lock:
            counts, self._counts = self._counts, Counter()
            return counts

    def give_back(self, counts: Counter) -> None:
        with self._lock:
            self._counts.update(counts)

    def forget(self, user_id: int) -> None:
        with self._lock:
            for key in [key for key in self._counts if key[0] == user_id]:
                del self._counts[key]


def meter() -> DataUseMeter:
    return current_app.extensions.setdefault("data_use", DataUseMeter())


def count_media(user_id: int, size: int) -> None:
    """A media file or segment of ``size`` bytes was sent to ``user_id``: noted, not written."""
    meter().add(user_id, "media", size)


#: HTML compresses about fourfold with brotli (benchmarks/page_weight.py).
PAGE_COMPRESSION = 4


def count_page(user, response) -> None:
    """After a signed-in person's HTML page or fragment: note its estimated wire size."""
    # The response first: asking whether a person is signed in may reload them after a
    # commit, a query that a 204 or a redirect would spend for nothing.
    if response.mimetype != "text/html" or response.status_code != 200:
        return
    if response.direct_passthrough or not getattr(user, "is_authenticated", False):
        return
    # Their id from the session's identity map: ``user.id`` would reload the whole row
    # after a commit (a statement on every page that saved something).
    user_id = inspect(user).identity[0]
    meter().add(user_id, "page", (response.calculate_content_length() or 0) // PAGE_COMPRESSION)


def flush_data_use() -> int:
    """Write what this process has counted (one upsert per person and month); the people
    written. Commits: a unit of work of its own, run outside any request. Counts it could not
    write go back to be written next time."""
    counts = meter().take()
    if not counts:
        return 0
    rows: dict[tuple[int, str], dict[str, int]] = {}
    for (user_id, month, kind), size in counts.items():
        rows.setdefault((user_id, month), {"media": 0, "page": 0})[kind] += size
    try:
        # Someone erased since: their counts go with them.
        people = {user_id for user_id, _month in rows}
        known = set(db.session.scalars(select(User.id).where(User.id.in_(people))))
        rows = {key: sizes for key, sizes in rows.items() if key[0] in known}
        # In one order, the same in every process: two web processes flushing the same
        # people in different orders each held a row the other wanted next, and PostgreSQL
        # broke the deadlock by failing one flush (seen in the scaled-out layout under load).
        for (user_id, month), sizes in sorted(rows.items()):
            add_data_use(
                user_id,
                media_bytes=sizes["media"],
                page_bytes=sizes["page"],
                now=datetime.strptime(month, "%Y-%m"),
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        meter().give_back(counts)
        raise
    return len(rows)


class _Flusher(threading.Thread):
    """Every ``interval`` seconds, and once more when stopped, :func:`flush_data_use`."""

    def __init__(self, app: Flask, interval: float) -> None:
        super().__init__(name="data-use-flusher", daemon=True)
        self.app, self.interval = app, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            self._flush()
        self._flush()

    def _flush(self) -> None:
        try:
            with self.app.app_context():
                flush_data_use()
        except Exception:  # a database blip must not end the metering: kept for next time
            log.exception("writing data use failed")

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def start_flushing(app: Flask) -> _Flusher:
    """This process writes its counts every ``DATA_USE_FLUSH_S`` seconds; ``stop()`` (at
    exit) writes the last of them."""
    flusher = _Flusher(app, app.config["DATA_USE_FLUSH_S"])
    flusher.start()
    return flusher


@dataclass(frozen=True)
class MonthUsage:
    media_bytes: int
    page_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.media_bytes + self.page_bytes


def month_usage(user: User, now: datetime | None = None) -> MonthUsage:
    """This month's use: the row, and what this process sent the person since it last
    wrote. Reads only."""
    month = month_of(now)
    row = db.session.get(DataUsage, (user.id, month))
    media, pages = meter().pending(user.id, month)
    if row is not None:
        media, pages = media + row.media_bytes, pages + row.page_bytes
    return MonthUsage(media, pages)


def bytes_left(user: User, now: datetime | None = None) -> int | None:
    """What remains of the person's monthly limit (never below 0), or None without a limit."""
    if not user.data_limit_mb:
        return None
    return max(0, user.data_limit_mb * 1_000_000 - month_usage(user, now).total_bytes)


def _export(user_id: int) -> list[dict]:
    rows = db.session.scalars(
        select(DataUsage).where(DataUsage.user_id == user_id).order_by(DataUsage.month)
    )
    return [
        {"month": r.month, "media_bytes": r.media_bytes, "page_bytes": r.page_bytes} for r in rows
    ]


def _erase(user_id: int) -> None:
    meter().forget(user_id)
    db.session.execute(delete(DataUsage).where(DataUsage.user_id == user_id))


# A person's data download includes their monthly data use; erasure removes it.
registry.personal_data(
    "data_use",
    export=_export,
    erase=_erase,
)
