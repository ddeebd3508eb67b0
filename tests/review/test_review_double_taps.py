"""A review answer counts once: taps sent together, the same answer replayed from the
phone's queue later, and the same offline copy answered on a second phone. Against a real
threaded server (``Phone.together``), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from app.db import utcnow
from app.extensions import db
from app.form_keys import FormKey
from app.review.models import ReviewAnswer, ReviewCard
from tests.learning.test_double_taps import TAPS, Phone

ROUNDS = 5


@pytest.fixture
def leader(make_user):
    return make_user("leader")


@pytest.fixture
def question(leader, learned):
    lesson = learned(leader, lessons=1, at=utcnow() - timedelta(days=3))[0]
    return lesson.questions[0]  # two choices, the first right


def _fresh() -> None:
    db.session.rollback()
    for model in (ReviewAnswer, ReviewCard, FormKey):
        db.session.execute(delete(model))
    db.session.commit()


def _count(model) -> int:
    db.session.rollback()  # what the server committed
    return db.session.scalar(select(func.count()).select_from(model))


def _key(page: str) -> str:
    return re.search(r'name="key"[^>]*value="([^"]+)"', page).group(1)


def test_taps_together_count_once(live_server, leader, question):
    phone = Phone(live_server, leader)
    url = f"/learn/review/questions/{question.id}"
    for _round in range(ROUNDS):
        _fresh()
        key = _key(phone.get("/learn/review/"))
        statuses = phone.together("POST", url, {"choice": 1, "key": key})
        assert statuses == [303] * TAPS
        assert _count(ReviewAnswer) == 1 and _count(ReviewCard) == 1
        card = db.session.scalar(select(ReviewCard))
        assert card.reviews == 2  # the quick check, then this answer


def test_a_replay_and_a_second_phone_count_once(live_server, leader, question):
    """The offline copy's key travels with the answer: the queue replaying it after it got
    through, or a second phone holding the same copy, is the same answer."""
    first, second = Phone(live_server, leader), Phone(live_server, leader)
    url = f"/learn/review/questions/{question.id}"
    _fresh()
    key = _key(first.get("/learn/review/"))
    said = (utcnow() - timedelta(hours=5)).isoformat()
    fields = {"choice": 2, "key": key, "answered_at": said}
    assert first.together("POST", url, fields, taps=1) == [303]
    assert first.together("POST", url, fields, taps=1) == [303]  # the queue replays it
    assert second.together("POST", url, {**fields, "choice": 1}, taps=2) == [303, 303]
    assert _count(ReviewAnswer) == 1
    answer = db.session.scalar(select(ReviewAnswer))
    assert answer.choice == 2 and not answer.correct
    assert abs((answer.answered_at - (utcnow() - timedelta(hours=5))).total_seconds()) < 60
