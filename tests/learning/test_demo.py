"""`flask demo load` brings the framework and the demo course, once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.learning.models import Course, Lesson


def test_demo_load_imports_the_course_once(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Created framework SLC" in first.output
    assert "Created course leading-learning-essentials: 6 lessons added" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "Updated course leading-learning-essentials: 0 lessons added, 0 updated" in second.output
    demo_lessons = (
        select(func.count())
        .select_from(Lesson)
        .join(Course, Course.id == Lesson.course_id)
        .where(Course.slug == "leading-learning-essentials")
    )
    assert db.session.scalar(demo_lessons) == 6  # (the studio adds a draft course of its own)
