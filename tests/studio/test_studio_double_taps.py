"""Double taps in the studio: the same creating form sent several times at the same moment
creates one course, module, lesson or question (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.forms import new_form_key
from app.learning.models import Course, Lesson, Module, QuickCheckQuestion
from tests.phones import Phone

ROUNDS = 3


def _count(model, **where) -> int:
    db.session.rollback()  # what the server committed
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


@pytest.fixture
def author_phone(live_server, author):
    return Phone(live_server, author)


def test_a_course_created_with_a_double_tap_is_one_course(author_phone, framework):
    for n in range(ROUNDS):
        fields = {
            "title": f"Course {n}",
            "summary": "",
            "language": "en",
            "framework": framework.id,
            "key": new_form_key(),
        }
        statuses = author_phone.together("POST", "/studio/courses", fields)
        assert statuses == [303] * len(statuses)
        assert _count(Course, title=f"Course {n}") == 1


def test_modules_lessons_and_questions_from_a_double_tap_are_one_each(author_phone, studio_course):
    course = studio_course()
    module = db.session.scalars(select(Module).where(Module.course_id == course.id)).one()
    lesson = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).one()
    for n in range(ROUNDS):
        statuses = author_phone.together(
            "POST",
            f"/studio/courses/{course.id}/modules",
            {"title": f"M{n}", "key": new_form_key()},
        )
        assert set(statuses) == {303} and _count(Module, title=f"M{n}") == 1
        statuses = author_phone.together(
            "POST",
            f"/studio/modules/{module.id}/lessons",
            {"title": f"L{n}", "key": new_form_key()},
        )
        assert set(statuses) == {303} and _count(Lesson, title=f"L{n}") == 1
        statuses = author_phone.together(
            "POST",
            f"/studio/lessons/{lesson.id}/questions",
            {
                "new-prompt": f"Q{n}?",
                "new-choices": "Yes\nNo",
                "new-answer": "1",
                "new-key": new_form_key(),
            },
        )
        assert set(statuses) == {303} and _count(QuickCheckQuestion, prompt=f"Q{n}?") == 1
