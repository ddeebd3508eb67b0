"""Double taps: on a slow link a leader taps twice, and identical requests reach the server
at the same moment. Each must get its ordinary answer, never a 500, and leave exactly one
row holding the right value.

The requests go to a real threaded HTTP server, each on a connection opened beforehand,
and leave together from a barrier. Every race is run for several rounds, each starting
from no row at all, so a check-then-insert shows up as a 500 or a second row.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from app.extensions import db
from app.learning.models import (
    Lesson,
    LessonProgress,
    QuickCheckAnswer,
    Reflection,
    SelfAssessment,
    SelfRating,
)
from tests.phones import HX, ROUNDS, TAPS, Phone


@pytest.fixture
def leader_phone(live_server, make_user):
    return Phone(live_server, make_user("leader"))


@pytest.fixture
def lesson(make_course):
    make_course("taps", lessons=1)
    return db.session.scalar(select(Lesson))


def _count(model, **where) -> int:
    db.session.rollback()  # read what the server committed, not an older snapshot
    return db.session.scalar(
        select(func.count()).select_from(model).filter_by(**where),
    )


def _only(model, **where):
    db.session.rollback()
    return db.session.execute(select(model).filter_by(**where)).scalar_one()


def _forget(*models) -> None:
    db.session.rollback()
    for model in models:
        db.session.execute(delete(model))
    db.session.commit()


def test_opening_a_lesson_twice_starts_it_once(leader_phone, lesson):
    for _round in range(ROUNDS):
        _forget(LessonProgress)
        opened = f"/learn/lessons/{lesson.id}/opened"
        assert leader_phone.together("POST", opened, headers=HX) == [204] * TAPS
        assert _count(LessonProgress, lesson_id=lesson.id) == 1


def test_position(leader_phone, lesson):
    for _round in range(ROUNDS):
        _forget(LessonProgress)
        statuses = leader_phone.together(
            "POST", f"/learn/lessons/{lesson.id}/position", {"seconds": 42.5}
        )
        assert statuses == [204] * TAPS
        assert _count(LessonProgress, lesson_id=lesson.id) == 1
        progress = _only(LessonProgress, lesson_id=lesson.id)
        assert progress.position_seconds == 42 and progress.completed_at is None


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_reflection(leader_phone, lesson, headers):
    expected = 200 if headers else 303
    for n in range(ROUNDS):
        _forget(Reflection, LessonProgress)
        body = f"Visit 4B on Tuesday, round {n}."
        url = f"/learn/lessons/{lesson.id}/reflection"
        assert leader_phone.together("POST", url, {"body": body}, headers) == [expected] * TAPS
        assert _count(Reflection, lesson_id=lesson.id) == 1
        assert _only(Reflection, lesson_id=lesson.id).body == body
        assert _count(LessonProgress, lesson_id=lesson.id) == 1


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_quick_check_answer(leader_phone, lesson, headers):
    """A double-tapped answer is one attempt. The first answer still decides "right first
    time": a wrong answer then a double-tapped right one is two attempts, not first-correct."""
    question = lesson.questions[0]  # two choices; the first is right
    url = f"/learn/lessons/{lesson.id}/questions/{question.id}"
    expected = 200 if headers else 303
    for _round in range(ROUNDS):
        _forget(QuickCheckAnswer, LessonProgress)
        assert leader_phone.together("POST", url, {"choice": 2}, headers) == [expected] * TAPS
        assert _count(QuickCheckAnswer, question_id=question.id) == 1
        answer = _only(QuickCheckAnswer, question_id=question.id)
        assert (answer.choice, answer.correct, answer.first_correct, answer.attempts) == (
            2,
            False,
            False,
            1,
        )

        assert leader_phone.together("POST", url, {"choice": 1}, headers) == [expected] * TAPS
        assert _count(QuickCheckAnswer, question_id=question.id) == 1
        answer = _only(QuickCheckAnswer, question_id=question.id)
        assert (answer.choice, answer.correct, answer.first_correct, answer.attempts) == (
            1,
            True,
            False,
            2,
        )
        assert _count(LessonProgress, lesson_id=lesson.id) == 1


def test_completion(leader_phone, lesson):
    for _round in range(ROUNDS):
        _forget(LessonProgress)
        statuses = leader_phone.together("POST", f"/learn/lessons/{lesson.id}/complete")
        assert statuses == [303] * TAPS
        assert _count(LessonProgress, lesson_id=lesson.id) == 1
        completed_at = _only(LessonProgress, lesson_id=lesson.id).completed_at
        assert completed_at is not None
        # Completing again, twice at once, keeps the day it was first completed.
        assert leader_phone.together("POST", f"/learn/lessons/{lesson.id}/complete") == [303] * TAPS
        assert _only(LessonProgress, lesson_id=lesson.id).completed_at == completed_at


def test_self_assessment(leader_phone, framework):
    """The form carries a key of its own; the taps that send it make one sitting."""
    competencies = [c for d in framework.domains for c in d.competencies][:3]
    ratings = {
        competency.id: level for competency, level in zip(competencies, (1, 2, 3), strict=True)
    }
    fields = {f"c{competency_id}": level for competency_id, level in ratings.items()}
    for n in range(ROUNDS):
        sent = {**fields, "key": leader_phone.form_key("/learn/self-assessment")}
        assert leader_phone.together("POST", "/learn/self-assessment", sent) == [303] * TAPS
        assert _count(SelfAssessment) == n + 1  # one more sitting each round
        db.session.rollback()
        latest = db.session.scalar(select(func.max(SelfAssessment.id)))
        stored = dict(
            db.session.execute(
                select(SelfRating.competency_id, SelfRating.level).filter_by(assessment_id=latest)
            ).all()
        )
        assert stored == ratings


def test_a_sitting_sent_again_holds_the_ratings_sent_last(make_user, framework):
    """The same form sent again after a change (back, change a rating, save) is still one
    sitting, and it holds what was sent last; another key is another sitting."""
    from app.learning import services

    leader = make_user("leader")
    a, b, c = [c.id for d in framework.domains for c in d.competencies][:3]
    first = services.record_self_assessment(leader, framework, {a: 1, b: 2}, "key-1")
    again = services.record_self_assessment(leader, framework, {a: 3, c: 1}, "key-1")
    assert again.id == first.id and _count(SelfAssessment) == 1
    assert services.self_assessment_form(leader).latest == {a: 3, c: 1}
    services.record_self_assessment(leader, framework, {a: 2}, "key-2")
    services.record_self_assessment(leader, framework, {a: 2}, "key-3")
    assert _count(SelfAssessment) == 3
