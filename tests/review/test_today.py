"""What is due, on both databases: a quick check answered comes back after FSRS's first
interval, a review moves it on, N a day, only the leader's own lessons completed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.learning import services as learning
from app.learning.models import QuickCheckQuestion
from app.review import services
from app.review.services import scheduler
from tests.review.conftest import T0


def test_nothing_is_due_before_the_first_interval_then_every_question_is(make_user, learned):
    leader = make_user("leader")
    learned(leader, lessons=2, right=True)
    assert services.counts(leader, T0 + timedelta(hours=1)).due == 0
    later = T0 + scheduler.FIRST_INTERVAL_RIGHT
    assert services.counts(leader, later).due == 4  # two lessons, two questions each
    assert services.next_due(leader, T0) == later


def test_a_wrong_quick_check_comes_back_sooner(make_user, learned):
    leader = make_user("leader")
    learned(leader, lessons=1, right=False)
    assert services.counts(leader, T0 + scheduler.FIRST_INTERVAL_WRONG).due == 2


def test_a_lesson_not_completed_is_not_reviewed(make_user, make_course, framework):
    leader = make_user("leader")
    make_course("half-done", lessons=1)
    question = db.session.scalars(select(QuickCheckQuestion)).first()
    learning.answer_question(leader, question, question.answer)
    assert services.counts(leader, T0 + timedelta(days=30)).due == 0


def test_per_day_caps_what_is_drawn_and_answers_count_today(make_user, learned):
    leader = make_user("leader")
    lessons = learned(leader, lessons=4)  # 8 questions
    now = T0 + timedelta(days=3)
    counts = services.counts(leader, now)
    assert (counts.due, counts.per_day, counts.to_do) == (8, 5, 5)
    services.save_choices(leader, 3, None)
    assert services.counts(leader, now).to_do == 3
    drawn = services.due_questions(leader, now, "en", limit=3)
    for n, q in enumerate(drawn):
        services.record_answer(leader, q.question.id, q.question.answer, f"key-{n:016d}", now=now)
    after = services.counts(leader, now)
    assert (after.due, after.done_today, after.to_do) == (5, 3, 0)
    # Tomorrow on the leader's clock: three more.
    assert services.counts(leader, now + timedelta(days=1)).to_do == 3
    assert len(lessons) == 4


def test_a_right_review_moves_the_question_days_away_a_wrong_one_to_tomorrow(make_user, learned):
    leader = make_user("leader")
    learned(leader, lessons=1)
    now = T0 + timedelta(days=2)
    first, second = services.due_questions(leader, now, "en", limit=5)
    right = services.record_answer(
        leader, first.question.id, first.question.answer, "a" * 16, now=now
    )
    wrong_choice = 1 if second.question.answer != 1 else 2
    wrong = services.record_answer(leader, second.question.id, wrong_choice, "b" * 16, now=now)
    assert right.correct and not wrong.correct
    tomorrow = services.due_questions(leader, now + timedelta(days=1), "en", limit=5)
    assert [q.question.id for q in tomorrow] == [second.question.id]
    assert services.next_due(leader, now) == now + timedelta(days=1)


def test_the_phone_s_moment_is_used_within_bounds(make_user, learned):
    leader = make_user("leader")
    learned(leader, lessons=1)
    now = T0 + timedelta(days=5)
    q = services.due_questions(leader, now, "en", limit=1)[0]
    said = T0 + timedelta(days=2, hours=3)
    answer = services.record_answer(
        leader, q.question.id, q.question.answer, "c" * 16, now=now, said_at=said
    )
    assert answer.answered_at == said and answer.received_at == now
    # A clock ahead is taken as now; one before the last review as that review.
    ahead = services.answer_moment(now + timedelta(days=1), now, T0)
    assert ahead == now
    assert services.answer_moment(T0 - timedelta(days=1), now, T0) == T0
    # Older than a week is taken as a week ago.
    week = services.answer_moment(now - timedelta(days=30), now, now - timedelta(days=60))
    assert week == now - timedelta(days=7)


def test_another_leader_s_lessons_are_not_drawn(make_user, learned):
    leader, other = make_user("leader"), make_user("leader")
    learned(other, lessons=1)
    assert services.counts(leader, T0 + timedelta(days=9)).due == 0
    q = services.due_questions(other, T0 + timedelta(days=9), "en", limit=1)[0]
    with pytest.raises(services.ReviewError):
        services.record_answer(leader, q.question.id, 1, "d" * 16, now=T0 + timedelta(days=9))
