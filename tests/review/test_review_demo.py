"""`flask demo load`: Grace has a week of reviews behind her and some due today."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts import services as accounts
from app.db import utcnow
from app.extensions import db
from app.review import services
from app.review.models import ReviewAnswer


def test_grace_has_a_week_of_reviews_and_some_due_today(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Demo review: Grace answered" in result.output
    grace = accounts.find_user("+254700000001")
    answers = db.session.scalars(select(ReviewAnswer).where(ReviewAnswer.user_id == grace.id)).all()
    days = {a.answered_at.date() for a in answers}
    assert len(days) >= 5 and min(a.answered_at for a in answers) >= utcnow() - timedelta(days=8)
    assert any(not a.correct for a in answers) and any(a.correct for a in answers)
    assert services.counts(grace, utcnow()).to_do > 0
    again = runner.invoke(args=["demo", "load"])
    assert "Demo review already loaded." in again.output
