"""The lesson page and what a leader does there: progress, reflections, quick-check answers."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, bindparam, case, func, literal, select
from sqlalchemy.orm import contains_eager

from app import registry
from app.db import UTCDateTime, commit_keeping, upsert, upsert_from_select_statement, utcnow
from app.extensions import db
from app.translatable import Localized

from .. import catalogue
from ..catalogue import CompetencyTag, CourseEntry, LessonDetail, LessonEntry, QuestionEntry
from ..models import Course, Lesson, LessonProgress, QuickCheckAnswer, Reflection
from ._common import published_lessons

REFLECTION_MAX_CHARS = 20_000

#: The page's verdict on an answer, and the openers of an author's explanation that already give
#: it: "Correct. Yes. …" and "Pas tout à fait. Pas tout à fait. …" say it twice. Each language
#: lists its own openers (translators: separate them with "|").
VERDICTS = {True: _l("Correct."), False: _l("Not quite.")}
VERDICT_OPENERS = {
    True: _l("Correct|Yes|Right|Exactly|That's right"),
    False: _l("Not quite|No|Not so|Not really"),
}


@dataclass
class QuestionItem:
    question: QuestionEntry
    answer: QuickCheckAnswer | None
    language: str = ""  # the lesson's language on this page: the question follows it

    def text(self, field: str):
        return self.question.translated(field, self.language or None)

    @property
    def choices(self) -> tuple[str, ...]:
        return self.question.translation(self.language).get("choices") or self.question.choices

    @property
    def explanation(self):
        """The author's explanation of the answer given (right or wrong), in the lesson's language."""
        return self.text("feedback_correct" if self.answer.correct else "feedback_incorrect")

    @property
    def verdict(self) -> str | None:
        """ "Correct." or "Not quite." in the reader's language, or None when the explanation
        opens with a verdict of its own in its language ("Oui. …", "Si hivyo. …")."""
        correct = self.answer.correct
        return (
            None
            if opens_with_verdict(str(self.explanation), correct, self.language)
            else str(VERDICTS[correct])
        )


def opens_with_verdict(explanation: str, correct: bool, language: str) -> bool:
    """Whether ``explanation``'s first sentence is one of ``language``'s openers for that
    verdict (or the verdict itself, in that language or the reader's)."""
    first = re.split(r"[.!…]", explanation.strip(), maxsplit=1)[0].strip(" \"'«»").casefold()
    openers = {str(VERDICTS[correct]), str(VERDICT_OPENERS[correct])}
    if language:
        with force_locale(language):
            openers |= {str(VERDICTS[correct]), str(VERDICT_OPENERS[correct])}
    said = {o.strip().rstrip(".").casefold() for text in openers for o in text.split("|")}
    return first in said


@dataclass
class LessonText:
    """The lesson's own text in the language the page shows it in."""

    language: str
    title: Localized
    body_html: str
    reflection_prompt: Localized


@dataclass
class LearnerState:
    """What the leader did in a lesson: where they are, their notebook entry, their answers."""

    progress: LessonProgress | None = None
    reflection: Reflection | None = None
    answers: dict[int, QuickCheckAnswer] = field(default_factory=dict)


@dataclass
class LessonPage:
    lesson: LessonDetail
    text: LessonText
    # Every language the lesson can be read in, the original first.
    languages: list[str]
    course: CourseEntry
    competencies: tuple[CompetencyTag, ...]
    questions: list[QuestionItem]
    progress: LessonProgress | None
    reflection: Reflection | None
    next_lesson: LessonEntry | None

    @property
    def done(self) -> bool:
        return bool(self.progress and self.progress.completed_at)


def _published_lesson(*criteria) -> Lesson | None:
    """A published lesson row of a published course, with its course and module loaded:
    for other areas (a lesson's discussion), which check ``can_view_lesson`` themselves."""
    return db.session.scalar(
        published_lessons()
        .where(*criteria)
        .options(contains_eager(Lesson.course), contains_eager(Lesson.module))
    )


def find_lesson(course_slug: str, lesson_slug: str) -> Lesson | None:
    return _published_lesson(Course.slug == course_slug, Lesson.slug == lesson_slug)


def get_lesson(lesson_id: int) -> Lesson | None:
    return _published_lesson(Lesson.id == lesson_id)


def published_lesson(course_slug: str, lesson_slug: str) -> LessonDetail | None:
    """The published lesson as the process keeps it, with its text; no statement when kept."""
    entry = catalogue.find(course_slug, lesson_slug)
    return catalogue.lesson_detail(entry) if entry else None


def published_lesson_by_id(lesson_id: int) -> LessonDetail | None:
    entry = catalogue.get(lesson_id)
    return catalogue.lesson_detail(entry) if entry else None


def may_open(user, lesson) -> bool:
    """Whether ``user`` may open this published lesson: its course is open to them (one
    statement when a programme narrows courses)."""
    return registry.may_open_course(user.id, lesson.course_id)


@functools.cache
def _learner_statement(narrowed: bool):
    """Built once for each case, the leader and lesson bound per request."""
    user_id = bindparam("user_id")
    statement = (
        select(Lesson.id, LessonProgress, Reflection, QuickCheckAnswer)
        .outerjoin(
            LessonProgress,
            and_(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == user_id),
        )
        .outerjoin(
            Reflection, and_(Reflection.lesson_id == Lesson.id, Reflection.user_id == user_id)
        )
        .outerjoin(
            QuickCheckAnswer,
            and_(QuickCheckAnswer.lesson_id == Lesson.id, QuickCheckAnswer.user_id == user_id),
        )
        .where(Lesson.id == bindparam("lesson_id"))
    )
    condition = registry.course_condition(user_id, Lesson.course_id) if narrowed else None
    return statement if condition is None else statement.where(condition)


def learner_state(user, lesson, *, narrowed: bool = True) -> LearnerState | None:
    """``user``'s progress, notebook entry and answers in ``lesson``, in one statement; None
    when its course is not open to them (``narrowed``; the studio's preview is not)."""
    rows = db.session.execute(
        _learner_statement(narrowed), {"user_id": user.id, "lesson_id": lesson.id}
    ).all()
    if not rows:
        return None
    _, progress, reflection, _ = rows[0]
    answers = {answer.question_id: answer for *_, answer in rows if answer is not None}
    return LearnerState(progress, reflection, answers)


def content_language(lesson, wanted: str) -> str:
    """The language the leader reads ``lesson`` in: ``wanted`` when the lesson is in it
    (the original or a translation), else the original."""
    if wanted == lesson.course.language or wanted in (lesson.translations or {}):
        return wanted
    return lesson.course.language


def lesson_text(lesson, language: str) -> LessonText:
    translation = lesson.translation(language)
    return LessonText(
        language=language,
        title=lesson.translated("title", language),
        body_html=translation.get("body_html") or lesson.body_html,
        reflection_prompt=lesson.translated("reflection_prompt", language),
    )


def lesson_page(
    user, lesson, language: str | None = None, state: LearnerState | None = None
) -> LessonPage:
    """The lesson as ``user`` sees it, in ``language`` where it is translated (else, and by
    default, its original). Progress, answers and the notebook entry belong to the lesson,
    whatever its language. ``lesson`` is a :class:`LessonDetail` (:func:`published_lesson`)
    or a row, draft or not, which is read as one (the studio's preview)."""
    if isinstance(lesson, Lesson):
        lesson = catalogue.detail_of(lesson)
    language = content_language(lesson, language or lesson.course.language)
    state = state or learner_state(user, lesson, narrowed=False) or LearnerState()
    return LessonPage(
        lesson=lesson,
        text=lesson_text(lesson, language),
        languages=lesson.languages,
        course=lesson.course,
        competencies=lesson.competencies,
        questions=[QuestionItem(q, state.answers.get(q.id), language) for q in lesson.questions],
        progress=state.progress,
        reflection=state.reflection,
        next_lesson=catalogue.current().next_after(lesson.course_id, lesson.position),
    )


def _progress(user, lesson) -> LessonProgress | None:
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


def _progress_row(user, lesson, **values) -> dict:
    """``lesson``: a row or a kept lesson (anything with its id and its course's)."""
    return {"user_id": user.id, "lesson_id": lesson.id, "course_id": lesson.course_id, **values}


def _touch_progress(user, lesson_id: int, course_id: int) -> LessonProgress:
    """The leader did something in the lesson: start it, or mark when they were last there."""
    [progress] = upsert(
        LessonProgress,
        {
            "user_id": user.id,
            "lesson_id": lesson_id,
            "course_id": course_id,
            "updated_at": utcnow(),
        },
        key=_PROGRESS_KEY,
        update=("updated_at",),
    )
    return progress


def start_lesson(user, lesson) -> LessonProgress:
    """Opening a lesson starts it, so "continue where you left off" can find it: sent by
    the lesson page once shown (``learning.start_lesson``), never by its GET. Commits;
    harmless twice."""
    progress = _progress(user, lesson)
    if progress is None:
        upsert(LessonProgress, _progress_row(user, lesson), key=_PROGRESS_KEY)
        db.session.commit()
        progress = _progress(user, lesson)
    return progress


def save_position(user, lesson, seconds: float) -> LessonProgress:
    position = max(0, min(int(seconds), lesson.duration_seconds or int(seconds)))
    [progress] = upsert(
        LessonProgress,
        _progress_row(user, lesson, position_seconds=position, updated_at=utcnow()),
        key=_PROGRESS_KEY,
        update=("position_seconds", "updated_at"),
    )
    db.session.commit()
    return progress


@functools.cache
def _position_statement(dialect: str):
    """:func:`save_position`'s upsert as ``INSERT … SELECT`` from the published lessons open
    to the leader, built once per database kind; the leader, lesson, seconds and time are
    bound on each call."""
    user_id, now = bindparam("user_id", type_=Integer()), bindparam("now", type_=UTCDateTime())
    wanted = bindparam("seconds", type_=Integer())
    position = case(
        (func.coalesce(Lesson.duration_seconds, 0) == 0, wanted),
        (Lesson.duration_seconds < wanted, Lesson.duration_seconds),
        else_=wanted,
    )
    rows = published_lessons().where(Lesson.id == bindparam("lesson_id"))
    condition = registry.course_condition(user_id, Lesson.course_id)
    if condition is not None:  # nor to a lesson of a course not open to the leader
        rows = rows.where(condition)
    rows = rows.with_only_columns(user_id, Lesson.id, Lesson.course_id, position, now, now)
    # On the table, not the model: the ORM would take the bound values for rows to insert.
    table = LessonProgress.__table__
    statement = upsert_from_select_statement(
        dialect,
        table,
        ["user_id", "lesson_id", "course_id", "position_seconds", "started_at", "updated_at"],
        rows,
        key=_PROGRESS_KEY,
        update=("position_seconds", "updated_at"),
    )
    return statement.returning(table.c.id)


def save_position_in_published_lesson(user, lesson_id: int, seconds: float) -> bool:
    """:func:`save_position` in one statement, for the player that sends it every few
    seconds: the lesson's course and duration, and whether it is published and open to the
    leader, are read by the upsert itself (``INSERT … SELECT``), where loading the lesson
    first was a statement of its own and an ORM load. False, and nothing written, when
    ``lesson_id`` is no published lesson open to the leader."""
    dialect = db.session.get_bind(mapper=LessonProgress).dialect.name
    values = {
        "user_id": user.id,
        "lesson_id": lesson_id,
        "seconds": max(0, int(seconds)),
        "now": utcnow(),
    }
    saved = db.session.execute(_position_statement(dialect), values).first()
    db.session.commit()
    return saved is not None


def complete_lesson(user, lesson) -> LessonProgress:
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


def save_reflection(user, lesson, body: str) -> Reflection:
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
    _touch_progress(user, lesson.id, lesson.course_id)
    reflection = saved[0] if saved else _reflection(user, lesson)
    commit_keeping(reflection)  # the page that shows it reads it again in no statement
    return reflection


def _reflection(user, lesson) -> Reflection | None:
    return db.session.scalar(
        select(Reflection).where(Reflection.user_id == user.id, Reflection.lesson_id == lesson.id)
    )


def get_question(lesson: LessonDetail, question_id: int) -> QuestionEntry | None:
    """One of the lesson's active questions."""
    return next((q for q in lesson.questions if q.id == question_id), None)


def answer_question(user, question, choice: int) -> QuickCheckAnswer:
    """Record an answer (choice counts from 1). The first attempt counts for accuracy;
    later attempts update what the leader sees. Sending the choice that already stands
    (a double tap) is the same attempt, not another. ``question``: a kept
    :class:`QuestionEntry` or a row."""
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
    _touch_progress(user, question.lesson_id, question.course_id)
    if not changed:  # the same choice again: the answer as it stands
        changed = [
            db.session.scalar(
                select(QuickCheckAnswer).where(
                    QuickCheckAnswer.user_id == user.id,
                    QuickCheckAnswer.question_id == question.id,
                )
            )
        ]
    commit_keeping(changed[0])  # the fragment that shows it reads it again in no statement
    return changed[0]
