"""The Learn page: every published course open to the leader with their progress, and
where to go next."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, select

from app import registry
from app.extensions import db
from app.translatable import Localized

from .. import catalogue
from ..catalogue import CompetencyTag, CourseEntry, LessonEntry, ModuleEntry
from ..models import Course, LessonProgress


@dataclass
class LessonItem:
    lesson: LessonEntry
    competencies: tuple[CompetencyTag, ...]
    progress: object | None  # a row: position_seconds, updated_at, completed_at
    title: Localized  # in the leader's language where the lesson is translated

    @property
    def done(self) -> bool:
        return bool(self.progress and self.progress.completed_at)


@dataclass
class ModuleItem:
    module: ModuleEntry
    lessons: list[LessonItem]


@dataclass
class CourseItem:
    course: CourseEntry
    modules: list[ModuleItem]

    @property
    def lessons(self) -> list[LessonItem]:
        return [item for module in self.modules for item in module.lessons]

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.lessons)

    @property
    def percent(self) -> int:
        total = len(self.lessons)
        return round(100 * self.done_count / total) if total else 0

    @property
    def started(self) -> bool:
        return any(item.progress for item in self.lessons)


@dataclass
class ContinueItem:
    course: CourseEntry
    item: LessonItem
    fresh: bool  # nothing started yet: "start here" rather than "continue"


@dataclass
class LearnHome:
    continue_with: ContinueItem | None
    courses: list[CourseItem]
    #: other areas' cards on Learn (``registry.page_card``): (template, context)
    cards: list[tuple[str, dict]]


def learn_home(user, language: str = "en") -> LearnHome:
    """Every published course open to ``user`` with their progress; titles in ``language``
    where translated. The courses come from the process's catalogue; which of them are open
    to the leader and what they did in them is one statement."""
    published = catalogue.current()
    open_courses, progress, card_values = _open_courses_and_progress(user)
    items = []
    for course in published.courses:
        if course.id not in open_courses:
            continue
        modules = [
            ModuleItem(
                module,
                [
                    LessonItem(
                        lesson,
                        lesson.competencies,
                        progress.get(lesson.id),
                        lesson.translated("title", language),
                    )
                    for lesson in published.lessons[module.id]
                ],
            )
            for module in published.modules[course.id]
        ]
        items.append(CourseItem(course, modules))
    cards = registry.page_cards(PAGE, user, card_values)
    return LearnHome(_continue_with(items), items, cards)


#: the page other areas put cards on (``registry.page_card``)
PAGE = "learning.home"
#: the columns of :func:`_open_courses_statement` before the cards'
_OWN_COLUMNS = 5


@functools.cache
def _open_courses_statement():
    """Each published course open to the leader, with their progress rows in it (one row
    without), and on every row what other areas' cards on Learn read (their columns, the
    same on each row: the database computes them once). Built once, the leader bound per
    request."""
    user_id = bindparam("user_id")
    statement = (
        select(
            Course.id,
            LessonProgress.lesson_id,
            LessonProgress.position_seconds,
            LessonProgress.updated_at,
            LessonProgress.completed_at,
            *registry.page_card_columns(PAGE),
        )
        .outerjoin(
            LessonProgress,
            and_(LessonProgress.course_id == Course.id, LessonProgress.user_id == user_id),
        )
        .where(Course.published.is_(True))
    )
    condition = registry.course_condition(user_id, Course.id)
    return statement if condition is None else statement.where(condition)


def _open_courses_and_progress(user) -> tuple[set[int], dict[int, object], tuple | None]:
    """The published courses ``user`` may open, their progress in each lesson, and the
    values the cards' columns read (None: no course is open to them)."""
    courses: set[int] = set()
    progress: dict[int, object] = {}
    card_values = None
    binds = {"user_id": user.id, **registry.page_card_binds(PAGE, user)}
    for row in db.session.execute(_open_courses_statement(), binds):
        courses.add(row.id)
        if row.lesson_id is not None:
            progress[row.lesson_id] = row
        if card_values is None:  # the same on every row
            card_values = tuple(row)[_OWN_COLUMNS:]
    return courses, progress, card_values


def _continue_with(courses: list[CourseItem]) -> ContinueItem | None:
    """The lesson last touched and not finished; else the next lesson of the course last
    touched; else the first lesson of the first course not finished."""
    latest: tuple[datetime, CourseItem, LessonItem] | None = None
    for course in courses:
        for item in course.lessons:
            if item.progress and (latest is None or item.progress.updated_at > latest[0]):
                latest = (item.progress.updated_at, course, item)
    if latest is not None:
        _, course, item = latest
        if not item.done:
            return ContinueItem(course.course, item, fresh=False)
        following = [
            i for i in course.lessons if i.lesson.position > item.lesson.position and not i.done
        ]
        if following:
            return ContinueItem(course.course, following[0], fresh=False)
    for course in courses:
        pending = [i for i in course.lessons if not i.done]
        if pending:
            return ContinueItem(course.course, pending[0], fresh=not course.started)
    return None
