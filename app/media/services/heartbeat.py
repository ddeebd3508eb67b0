"""The heartbeat of a transcode attempt: the holder of a job token proves it is alive by
writing ``heartbeat_at`` (and its progress) while it works, only while the token is still
its own; an attempt that finds the token gone has lost its claim and stops."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import update

from app.db import utcnow
from app.extensions import db

from ..models import MediaAsset, MediaStatus

HEARTBEAT_EVERY_S = 2.0


class LostClaim(Exception):
    """Another attempt took this asset over (our heartbeat was judged stale)."""


class HandBack(Exception):
    """This process's workers are stopping: give the asset back to the queue."""


def if_ours(asset_id: int, token: str, **values) -> bool:
    """Update the asset only while ``token`` holds it, and commit; say whether it did."""
    result = db.session.execute(
        update(MediaAsset)
        .where(MediaAsset.id == asset_id, MediaAsset.job_token == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def beat(asset_id: int, token: str, **values) -> None:
    """Heartbeat (and progress/status) for the holder of ``token``; raise if we lost it."""
    if not if_ours(asset_id, token, heartbeat_at=utcnow(), **values):
        raise LostClaim(asset_id)


@dataclass
class Heartbeat:
    """Beats for one attempt, at most every ``every_s`` by ``clock`` (injectable, so tests
    count beats instead of sleeping), and hands the attempt back once ``stopping`` is set."""

    asset_id: int
    token: str
    stopping: threading.Event
    clock: Callable[[], float] = time.monotonic
    every_s: float = HEARTBEAT_EVERY_S
    last: float = field(init=False)

    def __post_init__(self) -> None:
        self.last = self.clock()

    def _due(self) -> bool:
        if self.stopping.is_set():
            raise HandBack(self.asset_id)
        now = self.clock()
        if now - self.last >= self.every_s:
            self.last = now
            return True
        return False

    def progress(self, percent: float) -> None:
        if self._due() or percent >= 100:
            beat(
                self.asset_id,
                self.token,
                progress=round(min(percent, 99.0), 1),
                status=MediaStatus.TRANSCODING,
            )

    def alive(self) -> None:
        """Beat when due, for long work that is not ffmpeg's (copying the source in)."""
        if self._due():
            beat(self.asset_id, self.token)

    @contextmanager
    def meanwhile(self):
        """Beat from a thread of its own while one blocking call (an upload) runs here."""
        app = current_app._get_current_object()
        done = threading.Event()

        def keep_beating() -> None:
            with app.app_context():
                while not done.wait(self.every_s):
                    try:
                        beat(self.asset_id, self.token)
                    except LostClaim:
                        return  # the beat after the upload raises it where it is handled

        thread = threading.Thread(
            target=keep_beating, name=f"media-beat-{self.asset_id}", daemon=True
        )
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()
        if self.stopping.is_set():
            raise HandBack(self.asset_id)
        beat(self.asset_id, self.token)
        self.last = self.clock()
