"""What learning's services share: their error, and the queries that the catalogue, the
lesson page and the growth page share."""

from __future__ import annotations

from sqlalchemy import select

from app.errors import ServiceError

from ..models import Course, Lesson, Module


class LearningError(ServiceError):
    """Something a leader can put right in what they sent."""


def published_lessons():
    """Published lessons of published modules and courses, joined to both for filtering."""
    return (
        select(Lesson)
        .join(Course, Course.id == Lesson.course_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(Lesson.published.is_(True), Course.published.is_(True), Module.published.is_(True))
    )
