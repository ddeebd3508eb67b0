"""`flask demo load` brings a living peer group, once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.groups.models import Group, GroupMember, Post, Thread


def _counts():
    db.session.rollback()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Group, GroupMember, Thread, Post)
    )


def test_demo_load_makes_the_group_once(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Demo group “Nairobi–Kigali head teachers” created." in first.output
    counts = _counts()
    assert counts == (1, 3, 3, 7)
    lesson_thread = db.session.scalar(select(Thread).where(Thread.lesson_id.is_not(None)))
    assert lesson_thread.reply_count == 1 and lesson_thread.first_post_id is not None
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "already there" in second.output
    assert _counts() == counts
