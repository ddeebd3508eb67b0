"""What is due for a leader today: the questions, how many a day, the card on Learn.

A question is due when its card's day has come, or, never reviewed, when its quick-check
answer is as old as FSRS's first interval (``scheduler.FIRST_INTERVAL_*``). Only questions
of lessons the leader completed, still published and active, are drawn. Every function
takes ``now``: the caller's clock (tests move it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import Select, and_, bindparam, func, or_, select

from app.db import UTCDateTime
from app.extensions import db
from app.i18n import zone_named
from app.learning import catalogue
from app.learning.catalogue import LessonEntry, QuestionEntry
from app.learning.models import Course, Lesson, LessonProgress, QuickCheckAnswer, QuickCheckQuestion

from ..models import ReviewAnswer, ReviewCard, ReviewSettings
from ._common import answer_key, question_language
from .scheduler import FIRST_INTERVAL_RIGHT, FIRST_INTERVAL_WRONG


def due_condition(now, card=ReviewCard, answer=QuickCheckAnswer, *, right_by=None, wrong_by=None):
    """Holds for a question due at ``now`` (its card, or its first answer's age). ``now`` is
    a time, or a bound parameter with ``right_by``/``wrong_by`` (the times a first answer
    right/wrong must be older than) bound beside it."""
    if right_by is None:
        right_by, wrong_by = now - FIRST_INTERVAL_RIGHT, now - FIRST_INTERVAL_WRONG
    return or_(
        card.due <= now,
        and_(
            card.due.is_(None),
            or_(
                and_(answer.first_correct.is_(True), answer.answered_at <= right_by),
                and_(answer.first_correct.is_(False), answer.answered_at <= wrong_by),
            ),
        ),
    )


def learned_questions(user_id) -> Select:
    """``(question_id, lesson_id, due, answered_at, first_correct, reviews)`` of every
    question the leader answered in a lesson they completed, published and active; ``due``
    and ``reviews`` are None for a question never reviewed. ``user_id`` is a value or a column."""
    qa, card = QuickCheckAnswer, ReviewCard
    return (
        select(
            qa.question_id,
            qa.lesson_id,
            card.due,
            qa.answered_at,
            qa.first_correct,
            card.reviews,
        )
        .join(
            LessonProgress,
            and_(
                LessonProgress.user_id == qa.user_id,
                LessonProgress.lesson_id == qa.lesson_id,
                LessonProgress.completed_at.is_not(None),
            ),
        )
        .join(
            QuickCheckQuestion,
            and_(
                QuickCheckQuestion.id == qa.question_id,
                QuickCheckQuestion.active.is_(True),
                QuickCheckQuestion.in_review.is_(True),
            ),
        )
        .join(Lesson, and_(Lesson.id == qa.lesson_id, Lesson.published.is_(True)))
        .join(Course, and_(Course.id == Lesson.course_id, Course.published.is_(True)))
        .outerjoin(card, and_(card.user_id == qa.user_id, card.question_id == qa.question_id))
        .where(qa.user_id == user_id)
    )


def day_start(now: datetime, zone_name: str | None) -> datetime:
    """The start of the leader's day that holds ``now``, on their clock."""
    local = now.astimezone(zone_named(zone_name))
    return datetime.combine(local.date(), time(), tzinfo=local.tzinfo)


def answered_since(user_id, since: datetime):
    """How many review answers the leader (a value or a column) gave since ``since``."""
    return (
        select(func.count())
        .select_from(ReviewAnswer)
        .where(ReviewAnswer.user_id == user_id, ReviewAnswer.answered_at >= since)
        .scalar_subquery()
    )


def _settings_columns(user_id):
    per_day = select(ReviewSettings.per_day).where(ReviewSettings.user_id == user_id)
    remind = select(ReviewSettings.remind_hour).where(ReviewSettings.user_id == user_id)
    has = select(func.count()).select_from(ReviewSettings).where(ReviewSettings.user_id == user_id)
    return per_day.scalar_subquery(), remind.scalar_subquery(), has.scalar_subquery()


@dataclass
class Counts:
    due: int  # all due now
    done_today: int
    per_day: int

    @property
    def left_today(self) -> int:
        return max(self.per_day - self.done_today, 0)

    @property
    def to_do(self) -> int:
        """Questions to answer now: due, within today's number."""
        return min(self.due, self.left_today)


@cache
def count_columns() -> list:
    """What :class:`Counts` reads: due now, answered today, wanted a day, as scalar columns
    built once with their values bound (``user_id``, and :func:`count_binds`'). Learn's own
    statement carries them (``registry.page_card``), so the card costs Learn no statement."""
    user_id = bindparam("user_id")
    at = {
        name: bindparam(f"review_{name}", type_=UTCDateTime)
        for name in ("now", "right", "wrong", "since")
    }
    due = (
        select(func.count())
        .select_from(
            learned_questions(user_id)
            .where(due_condition(at["now"], right_by=at["right"], wrong_by=at["wrong"]))
            .subquery()
        )
        .scalar_subquery()
    )
    per_day, _remind, _has = _settings_columns(user_id)
    return [
        due.label("review_due"),
        answered_since(user_id, at["since"]).label("review_done_today"),
        per_day.label("review_per_day"),
    ]


def count_binds(user, now: datetime) -> dict:
    """The values :func:`count_columns` are bound to, for ``user`` at ``now``."""
    return {
        "review_now": now,
        "review_right": now - FIRST_INTERVAL_RIGHT,
        "review_wrong": now - FIRST_INTERVAL_WRONG,
        "review_since": day_start(now, user.timezone),
    }


@cache
def _counts_statement() -> Select:
    return select(*count_columns())


def counts_of(values) -> Counts:
    """:class:`Counts` from :func:`count_columns`' values."""
    due, done_today, per_day = values
    return Counts(due, done_today, per_day or current_app.config["REVIEW_PER_DAY"])


def counts(user, now: datetime) -> Counts:
    """How many are due, answered today and wanted a day: one statement."""
    values = {"user_id": user.id, **count_binds(user, now)}
    return counts_of(db.session.execute(_counts_statement(), values).one())


def learn_card(user, values) -> dict | None:
    """The card on Learn (``registry.page_card``), from Learn's row of
    :func:`count_columns` (None: Learn has no course open to the leader, nothing to review)."""
    return None if values is None else {"counts": counts_of(values)}


@dataclass
class DueQuestion:
    """A question drawn for review, in the leader's language where the lesson has it."""

    question: QuestionEntry
    lesson: LessonEntry
    language: str
    due: datetime
    key: str  # its answer's key (``answer_key``): the same on every phone

    def text(self, field: str):
        return self.question.translated(field, self.language)

    @property
    def choices(self) -> tuple[str, ...]:
        return self.question.translation(self.language).get("choices") or self.question.choices


def _first_due(row) -> datetime:
    if row.due is not None:
        return row.due
    return row.answered_at + (FIRST_INTERVAL_RIGHT if row.first_correct else FIRST_INTERVAL_WRONG)


def _as_questions(user_id: int, rows, language: str) -> list[DueQuestion]:
    """The rows' questions as the process keeps them (a lesson no longer published, or a
    question dropped from it, is left out)."""
    drawn = []
    for row in rows:
        lesson = catalogue.get(row.lesson_id)
        if lesson is None:
            continue
        detail = catalogue.lesson_detail(lesson)
        question = next((q for q in detail.questions if q.id == row.question_id), None)
        if question is not None:
            drawn.append(
                DueQuestion(
                    question,
                    lesson,
                    question_language(question, language),
                    _first_due(row),
                    answer_key(user_id, question.id, row.reviews or 1),
                )
            )
    return drawn


def due_questions(user, now: datetime, language: str, *, limit: int, until: datetime | None = None):
    """Up to ``limit`` questions due by ``until`` (default ``now``), the longest due first."""
    order = func.coalesce(ReviewCard.due, QuickCheckAnswer.answered_at)
    rows = db.session.execute(
        learned_questions(user.id)
        .where(due_condition(until or now))
        .order_by(order, QuickCheckAnswer.question_id)
        .limit(limit)
    ).all()
    return sorted(_as_questions(user.id, rows, language), key=lambda q: q.due)


def next_due(user, now: datetime) -> datetime | None:
    """When the next question is due after ``now``: None when the leader learned none."""
    base = learned_questions(user.id).subquery()
    never_reviewed = base.c.due.is_(None)
    row = db.session.execute(
        select(
            func.min(base.c.due),
            func.min(base.c.answered_at).filter(never_reviewed, base.c.first_correct.is_(True)),
            func.min(base.c.answered_at).filter(never_reviewed, base.c.first_correct.is_(False)),
        )
    ).one()
    moments = [
        row[0],
        row[1] and row[1] + FIRST_INTERVAL_RIGHT,
        row[2] and row[2] + FIRST_INTERVAL_WRONG,
    ]
    found = [m for m in moments if m is not None]
    return min(found) if found else None


@dataclass
class TodayPage:
    counts: Counts
    question: DueQuestion | None
    next_due: datetime | None
    day_ends: datetime
    tried: object = None  # a ``tried.TriedQuestion`` once nothing is left to answer today


def today_page(user, now: datetime, language: str) -> TodayPage:
    """The review page: the next question to answer today, or when the next one is due."""
    found = counts(user, now)
    question = None
    if found.to_do:
        drawn = due_questions(user, now, language, limit=1)
        question = drawn[0] if drawn else None
    upcoming = None if question else next_due(user, now)
    day_ends = day_start(now, user.timezone) + timedelta(days=1)
    tried = None
    if question is None:
        from .tried import tried_question  # (it builds on this module)

        tried = tried_question(user, now, language)
    return TodayPage(found, question, upcoming, day_ends, tried)
