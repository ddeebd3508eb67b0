"""Queries that the Learn page, the lesson page and the growth page share."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.frameworks.models import Competency

from ..models import Course, Lesson, LessonCompetency, Module


def published_lessons():
    """Published lessons of published modules and courses, joined to both for filtering."""
    return (
        select(Lesson)
        .join(Course, Course.id == Lesson.course_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(Lesson.published.is_(True), Course.published.is_(True), Module.published.is_(True))
    )


def competencies_by_lesson(lesson_ids) -> dict[int, list[Competency]]:
    """Each lesson's competencies in their order, for the lessons the ``lesson_ids`` select gives."""
    rows = db.session.execute(
        select(LessonCompetency.lesson_id, Competency)
        .join(Competency, Competency.id == LessonCompetency.competency_id)
        .where(LessonCompetency.lesson_id.in_(lesson_ids.scalar_subquery()))
        # A competency's name in the page's language needs its framework's (one row): in
        # the same statement, not a lazy load while the page renders.
        .options(joinedload(Competency.framework))
        .order_by(LessonCompetency.lesson_id, LessonCompetency.position)
    )
    grouped: dict[int, list[Competency]] = defaultdict(list)
    for lesson_id, competency in rows:
        grouped[lesson_id].append(competency)
    return grouped
