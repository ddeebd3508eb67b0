"""Fixtures for the daily review: a leader who completed lessons and answered their quick
checks at a chosen moment, and a clock the tests move."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from app.extensions import db
from app.learning import services as learning
from app.learning.models import LessonProgress, QuickCheckAnswer
from tests.learning.conftest import count_queries, framework, make_course  # noqa: F401

#: The tests' "now": a Monday morning in Nairobi.
T0 = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


@pytest.fixture
def learned(make_course):  # noqa: F811  (the fixture imported above)
    """``learned(leader, lessons=1, right=True, at=T0)``: the leader completed that many
    lessons of a new course at ``at``, answering each quick check (right or wrong) then.
    Returns the lessons."""
    courses = iter(range(1, 1000))

    def factory(leader, lessons: int = 1, right: bool = True, at: datetime = T0):
        course = make_course(f"review-course-{next(courses)}", lessons=lessons)
        rows = [lesson for module in course.modules for lesson in module_lessons(module)]
        for lesson in rows:
            for question in lesson.questions:
                learning.answer_question(
                    leader, question, question.answer if right else _wrong(question)
                )
            learning.complete_lesson(leader, lesson)
        ids = [lesson.id for lesson in rows]
        db.session.execute(
            update(QuickCheckAnswer)
            .where(QuickCheckAnswer.user_id == leader.id, QuickCheckAnswer.lesson_id.in_(ids))
            .values(answered_at=at)
        )
        db.session.execute(
            update(LessonProgress)
            .where(LessonProgress.user_id == leader.id, LessonProgress.lesson_id.in_(ids))
            .values(completed_at=at)
        )
        db.session.commit()
        return rows

    return factory


def module_lessons(module):
    from app.learning.models import Lesson

    return db.session.scalars(
        db.select(Lesson).where(Lesson.module_id == module.id).order_by(Lesson.position)
    ).all()


def _wrong(question) -> int:
    return 1 if question.answer != 1 else 2
