"""Drafts, publishing, and what is missing: what blocks a lesson or a course from going
out, and which text each language still lacks.

Leaders only ever see published lessons of published modules and courses (the learning
area's queries filter on all three), so a draft stays the author's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.learning.models import Course, Lesson, Module
from app.media.models import MediaStatus
from app.translatable import language_name

from ..models import Upload, UploadStatus
from ._common import N_, StudioError, refresh_course_figures
from .lessons import active_questions


@dataclass
class Blocker:
    """One reason a lesson cannot be published, as a template and its parameters."""

    template: str
    params: dict = field(default_factory=dict)

    def translated(self) -> str:
        params = dict(self.params)
        if "language" in params:  # a code when found, a name in the reader's language when shown
            params["language"] = language_name(params["language"])
        return StudioError(self.template, **params).translated()


# What a published lesson needs is what a lesson file needs, so that everything published
# in the studio exports to files that import back (``app/learning/course_files``).
_LESSON_NEEDS = (
    ("title", N_("It has no title.")),
    ("body", N_("It has no text.")),
    ("reflection_prompt", N_("It has no reflection prompt.")),
)


def lesson_blockers(lesson: Lesson) -> list[Blocker]:
    """Why ``lesson`` cannot go out yet; none when it can."""
    blockers = [
        Blocker(message)
        for name, message in _LESSON_NEEDS
        if not _text(lesson, name, lesson.original_language).strip()
    ]
    if not lesson.duration_seconds:
        blockers.append(Blocker(N_("It has no estimated length.")))
    if not lesson.competency_links:
        blockers.append(Blocker(N_("It is tagged with no competency.")))
    if lesson.media_asset is not None and lesson.media_asset.status != MediaStatus.READY:
        blockers.append(Blocker(N_("Its video is not ready yet: wait for it, or try again.")))
    if lesson.media_asset_id is None and pending_upload(lesson) is not None:
        blockers.append(Blocker(N_("Its video is still being uploaded or prepared.")))
    questions = active_questions(lesson)
    for n, question in enumerate(questions, start=1):
        if not (question.feedback_correct and question.feedback_incorrect):
            blockers.append(
                Blocker(N_("Question %(number)d needs both its feedbacks."), {"number": n})
            )
    for language in sorted(lesson.translations or {}):
        if lesson_missing(lesson, [language])[language] or any(
            not (q.translation(language).get("feedback_correct"))
            or not q.translation(language).get("feedback_incorrect")
            for q in questions
        ):
            blockers.append(
                Blocker(
                    N_("The %(language)s translation is not finished: finish it, or empty it."),
                    {"language": language},
                )
            )
    return blockers


def pending_upload(lesson: Lesson, language: str | None = None) -> Upload | None:
    """The newest upload for the lesson (in ``language``) whose video does not play yet."""
    language = language or lesson.course.language
    return db.session.scalar(
        select(Upload)
        .where(
            Upload.lesson_id == lesson.id,
            Upload.language == language,
            Upload.applied.is_(False),
        )
        .order_by(Upload.created_at.desc())
        .limit(1)
    )


def current_asset(lesson: Lesson, language: str):
    """The video leaders get in ``language`` now: the translation's own, else the original."""
    if language != lesson.course.language:
        own = next((r for r in lesson.media_translations if r.language == language), None)
        if own is not None and own.media_asset is not None:
            return own.media_asset
    return lesson.media_asset


def publish_lesson(lesson: Lesson) -> None:
    blockers = lesson_blockers(lesson)
    if blockers:
        raise StudioError(blockers[0].template, **blockers[0].params)
    lesson.published = True
    lesson.module.published = True
    refresh_course_figures(lesson.course)
    db.session.commit()


def unpublish_lesson(lesson: Lesson) -> None:
    """Back to a draft: leaders no longer see it; their progress stays for when it returns."""
    lesson.published = False
    refresh_course_figures(lesson.course)
    db.session.commit()


def course_blockers(course: Course) -> list[Blocker]:
    blockers = []
    published = db.session.scalar(
        select(Lesson.id).where(Lesson.course_id == course.id, Lesson.published.is_(True)).limit(1)
    )
    if published is None:
        blockers.append(Blocker(N_("Publish at least one lesson first.")))
    for language, text in sorted((course.translations or {}).items()):
        if not text.get("title"):
            blockers.append(
                Blocker(N_("The %(language)s translation has no title."), {"language": language})
            )
    return blockers


def publish_course(course: Course) -> None:
    blockers = course_blockers(course)
    if blockers:
        raise StudioError(blockers[0].template, **blockers[0].params)
    course.published = True
    refresh_course_figures(course)
    db.session.commit()


def unpublish_course(course: Course) -> None:
    course.published = False
    db.session.commit()


# --- what each language lacks ---------------------------------------------------------------


@dataclass
class Outline:
    """The course as the studio lists it: modules, their lessons, and per lesson the
    languages whose text is missing something."""

    course: Course
    modules: list[Module]
    lessons: dict[int, list[Lesson]]
    missing: dict[int, dict[str, list[str]]]  # lesson id → language → fields
    course_missing: dict[str, list[str]]
    languages: list[str]


LESSON_FIELDS = ("title", "body", "reflection_prompt")


def outline(course: Course) -> Outline:
    modules = list(
        db.session.scalars(
            select(Module).where(Module.course_id == course.id).order_by(Module.position)
        )
    )
    lessons = db.session.scalars(
        select(Lesson)
        .where(Lesson.course_id == course.id)
        .order_by(Lesson.position)
        .options(selectinload(Lesson.questions))
    ).all()
    by_module: dict[int, list[Lesson]] = {m.id: [] for m in modules}
    for lesson in lessons:
        by_module.setdefault(lesson.module_id, []).append(lesson)
    languages = languages_for(course)
    return Outline(
        course=course,
        modules=modules,
        lessons=by_module,
        missing={lesson.id: lesson_missing(lesson, languages) for lesson in lessons},
        course_missing={
            lang: [f for f in ("title", "summary") if not _text(course, f, lang)]
            for lang in languages
        },
        languages=languages,
    )


def languages_for(course: Course) -> list[str]:
    """The course's own language first, then the others the programme offers."""
    return [course.language] + [
        code for code in current_app.config["LANGUAGES"] if code != course.language
    ]


def _text(row, field_name: str, language: str) -> str:
    if language == row.original_language:
        return getattr(row, field_name) or ""
    return row.translation(language).get(field_name) or ""


def lesson_missing(lesson: Lesson, languages: list[str]) -> dict[str, list[str]]:
    """Per language, the fields with no text (``questions`` when a question lacks it)."""
    questions = [q for q in lesson.questions if q.active]
    result = {}
    for language in languages:
        fields = [f for f in LESSON_FIELDS if not _text(lesson, f, language)]
        if language != lesson.original_language and any(
            not q.translation(language).get("prompt") for q in questions
        ):
            fields.append("questions")
        result[language] = fields
    return result


def finished_uploads(lesson: Lesson) -> list[Upload]:
    return list(
        db.session.scalars(
            select(Upload).where(
                Upload.lesson_id == lesson.id, Upload.status == UploadStatus.COMPLETE
            )
        )
    )
