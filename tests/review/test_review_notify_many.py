"""Reminding thousands at once: one batch, each told once, those told already left alone."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import Notification


def test_notify_many_tells_each_once(make_user):
    people = [make_user("leader") for _ in range(3)]
    ids = [p.id for p in people]
    notifications.notify_many(ids[:2], "review.due", url="/learn/review/", dedupe_key="review:d1")
    notifications.notify_many(ids, "review.due", url="/learn/review/", dedupe_key="review:d1")
    db.session.commit()
    counts = dict(
        db.session.execute(
            select(Notification.user_id, func.count()).group_by(Notification.user_id)
        ).all()
    )
    assert counts == {ids[0]: 1, ids[1]: 1, ids[2]: 1}
    notifications.notify_many([], "review.due", url="/learn/review/", dedupe_key="review:d1")
