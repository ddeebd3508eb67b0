"""The lesson page and what a leader does there: progress, reflections, quick-check answers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, load_only

from app.db import utcnow
from app.extensions import db
from app.frameworks.models import Competency

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


@dataclass
class LessonPage:
    lesson: Lesson
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


def lesson_page(user, lesson: Lesson, progress: LessonProgress | None = None) -> LessonPage:
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
    reflection = db.session.scalar(
        select(Reflection).where(Reflection.user_id == user.id, Reflection.lesson_id == lesson.id)
    )
    return LessonPage(
        lesson=lesson,
        course=lesson.course,
        competencies=competencies,
        questions=[QuestionItem(q, answers.get(q.id)) for q in questions],
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
        .options(load_only(Lesson.id, Lesson.slug, Lesson.title, Lesson.course_id, Lesson.position))
    )


def _progress(user, lesson: Lesson) -> LessonProgress | None:
    return db.session.scalar(
        select(LessonProgress).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
        )
    )


def _touch_progress(user, lesson: Lesson) -> LessonProgress:
    progress = _progress(user, lesson)
    if progress is None:
        progress = LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=lesson.course_id)
        db.session.add(progress)
    progress.updated_at = utcnow()
    return progress


def start_lesson(user, lesson: Lesson) -> LessonProgress:
    """Opening a lesson starts it, so "continue where you left off" can find it."""
    progress = _progress(user, lesson)
    if progress is None:
        progress = _touch_progress(user, lesson)
        db.session.commit()
    return progress


def save_position(user, lesson: Lesson, seconds: float) -> LessonProgress:
    progress = _touch_progress(user, lesson)
    progress.position_seconds = max(0, min(int(seconds), lesson.duration_seconds or int(seconds)))
    db.session.commit()
    return progress


def complete_lesson(user, lesson: Lesson) -> LessonProgress:
    progress = _touch_progress(user, lesson)
    if progress.completed_at is None:
        progress.completed_at = utcnow()
    db.session.commit()
    return progress


def save_reflection(user, lesson: Lesson, body: str) -> Reflection:
    """Save the notebook entry as it stands; the latest text wins."""
    body = body[:REFLECTION_MAX_CHARS]
    reflection = db.session.scalar(
        select(Reflection).where(Reflection.user_id == user.id, Reflection.lesson_id == lesson.id)
    )
    if reflection is None:
        reflection = Reflection(user_id=user.id, lesson_id=lesson.id)
        db.session.add(reflection)
    reflection.body = body
    reflection.updated_at = utcnow()
    _touch_progress(user, lesson)
    db.session.commit()
    return reflection


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
    later attempts update what the leader sees."""
    if not 1 <= choice <= len(question.choices):
        raise ValueError(f"choice {choice} is not one of the {len(question.choices)} choices")
    correct = choice == question.answer
    answer = db.session.scalar(
        select(QuickCheckAnswer).where(
            QuickCheckAnswer.user_id == user.id, QuickCheckAnswer.question_id == question.id
        )
    )
    if answer is None:
        answer = QuickCheckAnswer(
            user_id=user.id,
            question_id=question.id,
            lesson_id=question.lesson_id,
            choice=choice,
            correct=correct,
            first_correct=correct,
            attempts=1,
        )
        db.session.add(answer)
    else:
        answer.choice, answer.correct = choice, correct
        answer.attempts += 1
        answer.answered_at = utcnow()
    _touch_progress(user, question.lesson)
    db.session.commit()
    return answer
