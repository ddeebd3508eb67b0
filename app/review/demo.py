"""Demo data for `make run`: Grace has a week of daily reviews behind her and some due
today. She completed the demo course's first lessons nine days ago (two more two days
ago); each day since a week
ago she answered what was due (most right, one wrong now and then, yesterday's wrong one
is back today). Safe to run again: nothing is added once she has reviews."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from app.accounts import services as accounts
from app.db import utcnow
from app.extensions import db
from app.learning import services as learning
from app.learning.models import Course, Lesson, QuickCheckAnswer

from . import services
from .models import ReviewAnswer

GRACE = "+254700000001"
DEMO_COURSE = "leading-learning-essentials"
LESSONS = 6
#: The first lessons were completed nine days ago, the rest two days ago (due today).
EARLY = 4


def load_demo_review() -> str:
    grace = accounts.find_user(GRACE)
    lessons = db.session.scalars(
        select(Lesson)
        .join(Course, Course.id == Lesson.course_id)
        .where(Course.slug == DEMO_COURSE, Lesson.published.is_(True))
        .order_by(Lesson.position)
        .limit(LESSONS)
    ).all()
    if grace is None or not lessons:
        return "Demo review skipped: load the demo people and course first."
    done = select(func.count()).select_from(ReviewAnswer).where(ReviewAnswer.user_id == grace.id)
    if db.session.scalar(done):
        return "Demo review already loaded."
    now = utcnow()
    for lesson in lessons:
        for n, question in enumerate(lesson.questions):
            # The second question of every other lesson was answered wrong the first time.
            wrong = n == 1 and lesson.position % 2 == 0
            learning.answer_question(
                grace, question, _wrong(question) if wrong else question.answer
            )
        learning.complete_lesson(grace, lesson)
    for batch, days_ago in ((lessons[:EARLY], 9), (lessons[EARLY:], 2)):
        db.session.execute(
            update(QuickCheckAnswer)
            .where(
                QuickCheckAnswer.user_id == grace.id,
                QuickCheckAnswer.lesson_id.in_([lesson.id for lesson in batch]),
            )
            .values(answered_at=now - timedelta(days=days_ago, hours=1))
        )
    db.session.commit()
    answered = 0
    for days_ago in range(7, 0, -1):
        moment = now - timedelta(days=days_ago, hours=2)
        for n, due in enumerate(services.due_questions(grace, moment, "en", limit=5)):
            # Wrong now and then (the first of every third day), so one comes back sooner.
            wrong = n == 0 and days_ago % 3 == 1
            choice = _wrong(due.question) if wrong else due.question.answer
            services.record_answer(grace, due.question.id, choice, due.key, now=moment)
            answered += 1
    due_today = services.counts(grace, now).due
    return f"Demo review: Grace answered {answered} reviews over a week; {due_today} due today."


def _wrong(question) -> int:
    return 1 if question.answer != 1 else 2
