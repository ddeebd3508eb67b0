"""Reading the published content into the kept types: the catalogue in four statements,
however many courses; a lesson's detail in three; a row, draft or not, as a detail."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from types import MappingProxyType

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.frameworks.models import Competency, Framework
from app.translatable import frozen

from ..models import Course, Lesson, LessonCompetency, LessonMedia, Module, QuickCheckQuestion
from ..services._common import published_lessons
from .entries import (
    Catalogue,
    CompetencyTag,
    CourseEntry,
    LessonDetail,
    LessonEntry,
    ModuleEntry,
    QuestionEntry,
)

_EMPTY: Mapping = MappingProxyType({})


def _course_entry(row) -> CourseEntry:
    """From a row of :data:`_COURSE_COLUMNS`, or a ``Course``."""
    return CourseEntry(
        id=row.id,
        slug=row.slug,
        title=row.title,
        summary=row.summary or "",
        language=row.language,
        translations=frozen(row.translations),
        duration_seconds=row.duration_seconds or 0,
    )


def _module_entry(row, language: str) -> ModuleEntry:
    return ModuleEntry(
        id=row.id,
        course_id=row.course_id,
        slug=row.slug,
        title=row.title,
        translations=frozen(row.translations),
        language=language,
    )


def _competency_tag(row) -> CompetencyTag:
    return CompetencyTag(
        id=row.id,
        code=row.code,
        title=row.title,
        translations=frozen(row.translations),
        language=row.language,
    )


_COURSE_COLUMNS = (
    Course.id,
    Course.slug,
    Course.title,
    Course.summary,
    Course.language,
    Course.translations,
    Course.duration_seconds,
)
_COMPETENCY_COLUMNS = (
    Competency.id,
    Competency.code,
    Competency.title,
    Competency.translations,
    Framework.language,
)


def build_catalogue() -> Catalogue:
    courses = {
        row.id: _course_entry(row)
        for row in db.session.execute(
            select(*_COURSE_COLUMNS)
            .where(Course.published.is_(True))
            .order_by(Course.position, Course.title)
        )
    }
    modules = {
        row.id: _module_entry(row, courses[row.course_id].language)
        for row in db.session.execute(
            select(Module.id, Module.course_id, Module.slug, Module.title, Module.translations)
            .join(Course, Course.id == Module.course_id)
            .where(Course.published.is_(True), Module.published.is_(True))
            .order_by(Module.course_id, Module.position)
        )
    }
    tags = _competencies_by_lesson()
    languages = list(current_app.config["LANGUAGES"])
    titles = [Lesson.translations[(language, "title")].as_string() for language in languages]
    lessons: list[LessonEntry] = []
    for row in db.session.execute(
        published_lessons()
        .with_only_columns(
            Lesson.id,
            Lesson.course_id,
            Lesson.module_id,
            Lesson.slug,
            Lesson.title,
            Lesson.position,
            Lesson.duration_seconds,
            *titles,
        )
        .order_by(Lesson.course_id, Lesson.position)
    ):
        translated = {
            language: {"title": title}
            for language, title in zip(languages, row[7:], strict=True)
            if title
        }
        lessons.append(
            LessonEntry(
                id=row.id,
                course_id=row.course_id,
                module_id=row.module_id,
                slug=row.slug,
                title=row.title,
                translations=frozen(translated) if translated else None,
                position=row.position,
                duration_seconds=row.duration_seconds or 0,
                course=courses[row.course_id],
                module=modules[row.module_id],
                competencies=tags.get(row.id, ()),
            )
        )
    return _assemble(list(courses.values()), list(modules.values()), lessons)


def _competencies_by_lesson() -> dict[int, tuple[CompetencyTag, ...]]:
    grouped: dict[int, list[CompetencyTag]] = defaultdict(list)
    for row in db.session.execute(
        select(LessonCompetency.lesson_id, *_COMPETENCY_COLUMNS)
        .join(Competency, Competency.id == LessonCompetency.competency_id)
        .join(Framework, Framework.id == Competency.framework_id)
        .where(LessonCompetency.lesson_id.in_(published_lessons().with_only_columns(Lesson.id)))
        .order_by(LessonCompetency.lesson_id, LessonCompetency.position)
    ):
        grouped[row.lesson_id].append(_competency_tag(row))
    return {lesson_id: tuple(tags) for lesson_id, tags in grouped.items()}


def _assemble(
    courses: list[CourseEntry], modules: list[ModuleEntry], lessons: list[LessonEntry]
) -> Catalogue:
    """Modules without lessons and courses without modules are left out, as Learn did."""
    by_module: dict[int, list[LessonEntry]] = defaultdict(list)
    by_course: dict[int, list[LessonEntry]] = defaultdict(list)
    for lesson in lessons:
        by_module[lesson.module_id].append(lesson)
        by_course[lesson.course_id].append(lesson)
    modules_by_course: dict[int, list[ModuleEntry]] = defaultdict(list)
    for module in modules:
        if by_module.get(module.id):
            modules_by_course[module.course_id].append(module)
    return Catalogue(
        courses=tuple(c for c in courses if modules_by_course.get(c.id)),
        modules=MappingProxyType({k: tuple(v) for k, v in modules_by_course.items()}),
        lessons=MappingProxyType({k: tuple(v) for k, v in by_module.items()}),
        course_lessons=MappingProxyType({k: tuple(v) for k, v in by_course.items()}),
        by_id=MappingProxyType({lesson.id: lesson for lesson in lessons}),
        by_slugs=MappingProxyType({(each.course.slug, each.slug): each for each in lessons}),
    )


def _question_entry(row, course_id: int, language: str) -> QuestionEntry:
    return QuestionEntry(
        id=row.id,
        lesson_id=row.lesson_id,
        course_id=course_id,
        position=row.position,
        prompt=row.prompt,
        choices=tuple(row.choices),
        answer=row.answer,
        feedback_correct=row.feedback_correct or "",
        feedback_incorrect=row.feedback_incorrect or "",
        translations=frozen(row.translations),
        language=language,
    )


def _detail(text, entry, questions, translated_media) -> LessonDetail:
    """``text``: a row (or a ``Lesson``) with the lesson's text and media columns."""
    return LessonDetail(
        id=entry.id,
        course_id=entry.course_id,
        module_id=entry.module_id,
        slug=entry.slug,
        title=entry.title,
        body_html=text.body_html or "",
        reflection_prompt=text.reflection_prompt or "",
        translations=frozen(text.translations),
        position=entry.position,
        duration_seconds=entry.duration_seconds or 0,
        course=entry.course,
        module=entry.module,
        competencies=entry.competencies,
        questions=tuple(
            _question_entry(q, entry.course_id, entry.course.language) for q in questions
        ),
        media_asset_id=text.media_asset_id,
        media_source=text.media_source,
        translated_media=MappingProxyType(dict(translated_media)) if translated_media else _EMPTY,
    )


def build_detail(entry: LessonEntry) -> LessonDetail:
    text = db.session.execute(
        select(
            Lesson.body_html,
            Lesson.reflection_prompt,
            Lesson.translations,
            Lesson.media_asset_id,
            Lesson.media_source,
        ).where(Lesson.id == entry.id)
    ).one()
    questions = db.session.execute(
        select(
            QuickCheckQuestion.id,
            QuickCheckQuestion.lesson_id,
            QuickCheckQuestion.position,
            QuickCheckQuestion.prompt,
            QuickCheckQuestion.choices,
            QuickCheckQuestion.answer,
            QuickCheckQuestion.feedback_correct,
            QuickCheckQuestion.feedback_incorrect,
            QuickCheckQuestion.translations,
        )
        .where(QuickCheckQuestion.lesson_id == entry.id, QuickCheckQuestion.active.is_(True))
        .order_by(QuickCheckQuestion.position)
    ).all()
    media = db.session.execute(
        select(LessonMedia.language, LessonMedia.media_asset_id).where(
            LessonMedia.lesson_id == entry.id, LessonMedia.media_asset_id.is_not(None)
        )
    ).all()
    return _detail(text, entry, questions, media)


def detail_of(lesson: Lesson) -> LessonDetail:
    """A :class:`LessonDetail` of a row, published or not (the studio's preview of a
    draft): read from the row and its relationships, never kept."""
    course = _course_entry(lesson.course)
    module = _module_entry(lesson.module, course.language)
    competencies = tuple(
        _competency_tag(_TagRow(link.competency)) for link in lesson.competency_links
    )
    entry = LessonEntry(
        id=lesson.id,
        course_id=lesson.course_id,
        module_id=lesson.module_id,
        slug=lesson.slug,
        title=lesson.title,
        translations=None,
        position=lesson.position,
        duration_seconds=lesson.duration_seconds or 0,
        course=course,
        module=module,
        competencies=competencies,
    )
    questions = sorted((q for q in lesson.questions if q.active), key=lambda q: q.position)
    media = [
        (row.language, row.media_asset_id)
        for row in lesson.media_translations
        if row.media_asset_id is not None
    ]
    return _detail(lesson, entry, questions, media)


class _TagRow:
    """A competency row read as a row of :data:`_COMPETENCY_COLUMNS`."""

    def __init__(self, competency: Competency) -> None:
        self.id, self.code, self.title = competency.id, competency.code, competency.title
        self.translations = competency.translations
        self.language = competency.framework.language
