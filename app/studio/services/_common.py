"""What the studio's services share: their error, slugs, and the course's figures."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

from app.errors import N_, ServiceError
from app.extensions import db
from app.learning.models import Course, Lesson, Module
from app.media.services import resumable
from app.units import building_block


class StudioError(ServiceError):
    """Something an author can fix; says what, in their language."""


class UploadError(StudioError, resumable.UploadError):
    """A refused tus request (``status`` is its HTTP status), and something an author can
    fix, as the studio's pages catch it."""

    def __init__(self, template: str, status: int | None = None, **params) -> None:
        resumable.UploadError.__init__(self, template, status, **params)


__all__ = ["N_", "StudioError", "UploadError", "slugify", "unique_slug", "refresh_course_figures"]


def slugify(text: str, fallback: str = "item") -> str:
    """ "Leading with purpose!" → "leading-with-purpose"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]
    return slug or fallback


def unique_slug(text: str, taken: set[str], fallback: str = "item") -> str:
    base = slugify(text, fallback)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@building_block
def renumber(course: Course) -> None:
    """Lessons numbered across the course in module order (next lesson is one comparison).
    A building block: the caller commits."""
    modules = db.session.scalars(
        select(Module).where(Module.course_id == course.id).order_by(Module.position, Module.id)
    ).all()
    lessons = db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position, Lesson.id)
    ).all()
    for m_position, module in enumerate(modules):
        module.position = m_position
    order = {module.id: n for n, module in enumerate(modules)}
    lessons = sorted(lessons, key=lambda lesson: (order.get(lesson.module_id, 0), lesson.position))
    for position, lesson in enumerate(lessons, start=1):
        lesson.position = position


@building_block
def refresh_course_figures(course: Course) -> None:
    """The Learn page's counts: published lessons of published modules, and their length.
    A building block: publishing commits them with what it publishes, once."""
    published = db.session.scalars(
        select(Lesson)
        .join(Module, Module.id == Lesson.module_id)
        .where(
            Lesson.course_id == course.id,
            Lesson.published.is_(True),
            Module.published.is_(True),
        )
    ).all()
    course.lesson_count = len(published)
    course.duration_seconds = sum(lesson.duration_seconds for lesson in published)
