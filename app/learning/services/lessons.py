"""The lesson page and what a leader does there: progress, reflections, quick-check answers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, case, func, literal, select
from sqlalchemy.orm import contains_eager, load_only

from app.db import UTCDateTime, upsert, upsert_from_select, utcnow
from app.extensions import db
from app.frameworks.models import Competency
from app.translatable import Localized

from ..models import (
    Course,
    Lesson,
    LessonProgress,
    QuickCheckAnswer,
    QuickCheckQuestion,
    Reflection,
)
from ._common import competencies_by_lesson, published_lessons

REFLECTION_MAX_CHARS = 20_000


@dataclass
class QuestionItem:
    question: QuickCheckQuestion
    answer: QuickCheckAnswer | None
    language: str = ""  # the lesson's language on this page: the question follows it

    def text(self, field: str):
        return self.question.translated(field, self.language or None)

    @property
    def choices(self) -> list[str]:
        return self.question.translation(self.language).get("choices") or self.question.choices


@dataclass
class LessonText:
    """The lesson's own text in the language the page shows it in."""

    language: str
    title: Localized
    body_html: str
    reflection_prompt: Localized


@dataclass
class LessonPage:
    lesson: Lesson
    text: LessonText
    # Every language the lesson can be read in, the original first.
    languages: list[str]
    course: Course
    competencies: list[Competency]
    questions: list[QuestionItem]
    progress: LessonProgress | None
    reflection: Reflection | None
    next_lesson: Lesson | None

    @property
    def done(self) -> bool:
        return bool(self.progress and self.progress.completed_at)


def _published_lesson(*criteria) -> Lesson | None:
    """A published lesson of a published course, with its course and module loaded."""
    return db.session.scalar(
        published_lessons()
        .where(*criteria)
        .options(contains_eager(Lesson.course), contains_eager(Lesson.module))
    )


def find_lesson(course_slug: str, lesson_slug: str) -> Lesson | None:
    return _published_lesson(Course.slug == course_slug, Lesson.slug == lesson_slug)


def get_lesson(lesson_id: int) -> Lesson | None:
    return _published_lesson(Lesson.id == lesson_id)


def content_language(lesson: Lesson, wanted: str) -> str:
    """The language the leader reads ``lesson`` in: ``wanted`` when the lesson is in it
    (the original or a translation), else the original."""
    if wanted == lesson.course.language or wanted in (lesson.translations or {}):
        return wanted
    return lesson.course.language


def lesson_text(lesson: Lesson, language: str) -> LessonText:
    translation = lesson.translation(language)
    return LessonText(
        language=language,
        title=lesson.translated("title", language),
        body_html=translation.get("body_html") or lesson.body_html,
        reflection_prompt=lesson.translated("reflection_prompt", language),
    )


def lesson_page(
    user, lesson: Lesson, language: str | None = None, progress: LessonProgress | None = None
) -> LessonPage:
    """The lesson as ``user`` sees it, in ``language`` where it is translated (else, and by
    default, its original). Progress, answers and the notebook entry belong to the lesson,
    whatever its language."""
    language = content_language(lesson, language or lesson.course.language)
    competencies = competencies_by_lesson(select(Lesson.id).where(Lesson.id == lesson.id)).get(
        lesson.id, []
    )
    questions = db.session.scalars(
        select(QuickCheckQuestion)
        .where(QuickCheckQuestion.lesson_id == lesson.id, QuickCheckQuestion.active.is_(True))
        .order_by(QuickCheckQuestion.position)
    ).all()
    answers = {
        a.question_id: a
        for a in db.session.scalars(
            select(QuickCheckAnswer).where(
                QuickCheckAnswer.user_id == user.id, QuickCheckAnswer.lesson_id == lesson.id
            )
        )
    }
    progress = progress or _progress(user, lesson)
    reflection = _reflection(user, lesson)
    return LessonPage(
        lesson=lesson,
        text=lesson_text(lesson, language),
        languages=lesson.languages,
        course=lesson.course,
        competencies=competencies,
        questions=[QuestionItem(q, answers.get(q.id), language) for q in questions],
        progress=progress,
        reflection=reflection,
        next_lesson=next_lesson(lesson),
    )


def next_lesson(lesson: Lesson) -> Lesson | None:
    return db.session.scalar(
        published_lessons()
        .where(Lesson.course_id == lesson.course_id, Lesson.position > lesson.position)
        .order_by(Lesson.position)
        .limit(1)
        .options(
            load_only(
                Lesson.id,
                Lesson.slug,
                Lesson.title,
                Lesson.course_id,
                Lesson.position,
                Lesson.translations,
            )
        )
    )


def _progress(user, lesson: Lesson) -> LessonProgress | None:
    return db.session.scalar(
        select(LessonProgress).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
        )
    )


# Every write a leader may repeat (a double tap on a slow link sends it twice at once) is
# one upsert: the second request updates the row the first created, where a select-then-
# insert would fail it on the unique constraint. The lesson's progress row is written last,
# so two writes never take the same two rows in opposite orders.
_PROGRESS_KEY = ("user_id", "lesson_id")


def _progress_row(user, lesson: Lesson, **values) -> dict:
    return {"user_id": user.id, "lesson_id": lesson.id, "course_id": lesson.course_id, **values}


def _touch_progress(user, lesson: Lesson) -> LessonProgress:
    """The leader did something in the lesson: start it, or mark when they were last there."""
    [progress] = upsert(
        LessonProgress,
        _progress_row(user, lesson, updated_at=utcnow()),
        key=_PROGRESS_KEY,
        update=("updated_at",),
    )
    return progress


def start_lesson(user, lesson: Lesson) -> LessonProgress:
    """Opening a lesson starts it, so "continue where you left off" can find it."""
    progress = _progress(user, lesson)
    if progress is None:
        upsert(LessonProgress, _progress_row(user, lesson), key=_PROGRESS_KEY)
        db.session.commit()
        progress = _progress(user, lesson)
    return progress


def save_position(user, lesson: Lesson, seconds: float) -> LessonProgress:
    position = max(0, min(int(seconds), lesson.duration_seconds or int(seconds)))
    [progress] = upsert(
        LessonProgress,
        _progress_row(user, lesson, position_seconds=position, updated_at=utcnow()),
        key=_PROGRESS_KEY,
        update=("position_seconds", "updated_at"),
    )
    db.session.commit()
    return progress


def save_position_in_published_lesson(user, lesson_id: int, seconds: float):
    """:func:`save_position` in one statement, for the player that sends it every few
    seconds: the lesson's course and duration, and whether it is published, are read by
    the upsert itself (``INSERT … SELECT`` from the published lessons), where loading the
    lesson first was a statement of its own and an ORM load. None, and nothing written,
    when ``lesson_id`` is no published lesson."""
    now = literal(utcnow(), UTCDateTime())
    wanted = literal(max(0, int(seconds)), Integer())
    position = case(
        (func.coalesce(Lesson.duration_seconds, 0) == 0, wanted),
        (Lesson.duration_seconds < wanted, Lesson.duration_seconds),
        else_=wanted,
    )
    rows = published_lessons().where(Lesson.id == lesson_id)
    rows = rows.with_only_columns(
        literal(user.id, Integer()), Lesson.id, Lesson.course_id, position, now, now
    )
    saved = upsert_from_select(
        LessonProgress,
        ["user_id", "lesson_id", "course_id", "position_seconds", "started_at", "updated_at"],
        rows,
        key=_PROGRESS_KEY,
        update=("position_seconds", "updated_at"),
    )
    db.session.commit()
    return saved[0] if saved else None


def complete_lesson(user, lesson: Lesson) -> LessonProgress:
    """Mark the lesson done; completing it again keeps the first completion's time."""
    now = utcnow()
    [progress] = upsert(
        LessonProgress,
        _progress_row(user, lesson, completed_at=now, updated_at=now),
        key=_PROGRESS_KEY,
        update={
            "completed_at": func.coalesce(LessonProgress.completed_at, literal(now, UTCDateTime())),
            "updated_at": now,
        },
    )
    db.session.commit()
    return progress


def save_reflection(user, lesson: Lesson, body: str) -> Reflection:
    """Save the notebook entry as it stands; the latest text wins. Sending the text the
    notebook already holds changes nothing, so both answers to a double tap name the same
    saved version."""
    body = body[:REFLECTION_MAX_CHARS]
    now = utcnow()
    saved = upsert(
        Reflection,
        {"user_id": user.id, "lesson_id": lesson.id, "body": body, "updated_at": now},
        key=("user_id", "lesson_id"),
        update=("body", "updated_at"),
        where=Reflection.body != body,
    )
    _touch_progress(user, lesson)
    db.session.commit()
    return saved[0] if saved else _reflection(user, lesson)


def _reflection(user, lesson: Lesson) -> Reflection | None:
    return db.session.scalar(
        select(Reflection).where(Reflection.user_id == user.id, Reflection.lesson_id == lesson.id)
    )


def get_question(lesson: Lesson, question_id: int) -> QuickCheckQuestion | None:
    return db.session.scalar(
        select(QuickCheckQuestion).where(
            QuickCheckQuestion.id == question_id,
            QuickCheckQuestion.lesson_id == lesson.id,
            QuickCheckQuestion.active.is_(True),
        )
    )


def answer_question(user, question: QuickCheckQuestion, choice: int) -> QuickCheckAnswer:
    """Record an answer (choice counts from 1). The first attempt counts for accuracy;
    later attempts update what the leader sees. Sending the choice that already stands
    (a double tap) is the same attempt, not another."""
    if not 1 <= choice <= len(question.choices):
        raise ValueError(f"choice {choice} is not one of the {len(question.choices)} choices")
    correct = choice == question.answer
    now = utcnow()
    changed = upsert(
        QuickCheckAnswer,
        {
            "user_id": user.id,
            "question_id": question.id,
            "lesson_id": question.lesson_id,
            "choice": choice,
            "correct": correct,
            "first_correct": correct,
            "attempts": 1,
            "answered_at": now,
        },
        key=("user_id", "question_id"),
        update={
            "choice": choice,
            "correct": correct,
            "attempts": QuickCheckAnswer.attempts + 1,
            "answered_at": now,
        },
        where=QuickCheckAnswer.choice != choice,
    )
    _touch_progress(user, question.lesson)
    db.session.commit()
    if changed:
        return changed[0]
    return db.session.scalar(
        select(QuickCheckAnswer).where(
            QuickCheckAnswer.user_id == user.id, QuickCheckAnswer.question_id == question.id
        )
    )
