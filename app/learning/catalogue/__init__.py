"""The published courses as each process keeps them: plain immutable data, read again only
when the published content's version changes (``app/published.py``).

:func:`current` gives the :class:`Catalogue`: every published course, its published modules
and lessons in order, each lesson's title in every language and its competencies — what
Learn lists, and what finds a lesson by its slugs or id. Four statements, however many
courses, once per version and process. :func:`lesson_detail` adds one lesson's text in every
language, its quick-check questions and its media per language: the lesson page, three
statements the first time a process shows that lesson at a version.

Nothing here is an ORM row: rows belong to one session, and these objects are shared by
every request of the process. Everything is a frozen dataclass, a tuple or a read-only
mapping; ``translated()`` works on them as on rows (:class:`TranslatedText`), so templates
read both alike. :func:`detail_of` makes a :class:`LessonDetail` from a row, draft or not,
for the studio's preview.
"""

from __future__ import annotations

from app import published

from .entries import (
    Catalogue,
    CompetencyTag,
    CourseEntry,
    LessonDetail,
    LessonEntry,
    ModuleEntry,
    QuestionEntry,
)
from .reading import build_catalogue, build_detail, detail_of

__all__ = [
    "Catalogue",
    "CompetencyTag",
    "CourseEntry",
    "LessonDetail",
    "LessonEntry",
    "ModuleEntry",
    "QuestionEntry",
    "current",
    "detail_of",
    "find",
    "get",
    "lesson_detail",
]


def current() -> Catalogue:
    return published.cached("learning.catalogue", build_catalogue)


def find(course_slug: str, lesson_slug: str) -> LessonEntry | None:
    return current().by_slugs.get((course_slug, lesson_slug))


def get(lesson_id: int) -> LessonEntry | None:
    return current().by_id.get(lesson_id)


def lesson_detail(entry: LessonEntry) -> LessonDetail:
    return published.cached(("learning.lesson", entry.id), lambda: build_detail(entry))
