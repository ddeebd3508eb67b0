"""The Learn page: every published course with the leader's progress, and where to go next."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import load_only

from app.extensions import db
from app.frameworks.models import Competency
from app.translatable import Localized

from ..models import Course, Lesson, LessonProgress, Module
from ._common import competencies_by_lesson, published_lessons


@dataclass
class LessonItem:
    lesson: Lesson
    competencies: list[Competency]
    progress: LessonProgress | None
    title: Localized  # in the leader's language where the lesson is translated

    @property
    def done(self) -> bool:
        return bool(self.progress and self.progress.completed_at)


@dataclass
class ModuleItem:
    module: Module
    lessons: list[LessonItem]


@dataclass
class CourseItem:
    course: Course
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
    course: Course
    item: LessonItem
    fresh: bool  # nothing started yet: "start here" rather than "continue"


@dataclass
class LearnHome:
    continue_with: ContinueItem | None
    courses: list[CourseItem]


def learn_home(user, language: str = "en") -> LearnHome:
    """Every published course with ``user``'s progress; titles in ``language`` where
    translated (only each lesson's title in that language is read, not its text)."""
    courses = db.session.scalars(
        select(Course).where(Course.published.is_(True)).order_by(Course.position, Course.title)
    ).all()
    modules = db.session.scalars(
        select(Module)
        .join(Course)
        .where(Course.published.is_(True), Module.published.is_(True))
        .order_by(Module.course_id, Module.position)
    ).all()
    translated_title = Lesson.translations[(language, "title")].as_string()
    lessons = db.session.execute(
        published_lessons()
        .add_columns(translated_title)
        .options(
            load_only(
                Lesson.id,
                Lesson.course_id,
                Lesson.module_id,
                Lesson.slug,
                Lesson.title,
                Lesson.position,
                Lesson.duration_seconds,
            )
        )
        .order_by(Lesson.course_id, Lesson.position)
    ).all()
    competencies = competencies_by_lesson(published_lessons().with_only_columns(Lesson.id))
    progress = {
        p.lesson_id: p
        for p in db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user.id))
    }

    languages = {course.id: course.language for course in courses}
    lessons_by_module: dict[int, list[LessonItem]] = defaultdict(list)
    for lesson, title in lessons:
        lessons_by_module[lesson.module_id].append(
            LessonItem(
                lesson,
                competencies.get(lesson.id, []),
                progress.get(lesson.id),
                Localized(title, language)
                if title
                else Localized(lesson.title, languages.get(lesson.course_id, "")),
            )
        )
    modules_by_course: dict[int, list[ModuleItem]] = defaultdict(list)
    for module in modules:
        if lessons_by_module.get(module.id):
            modules_by_course[module.course_id].append(
                ModuleItem(module, lessons_by_module[module.id])
            )
    items = [
        CourseItem(course, modules_by_course[course.id])
        for course in courses
        if modules_by_course.get(course.id)
    ]
    return LearnHome(_continue_with(items), items)


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
