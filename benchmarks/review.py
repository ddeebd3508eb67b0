"""The daily review at scale: the time to pick today's questions for one leader with 2,000
past answers (the review page's service, and the phone's copy of the next days), and for
20,000 leaders at once (the reminder run: who is at their hour with something left to
review, and the notifications written; then the withdrawal of unread reminders that the
digest runs first).

    .venv/bin/python -m benchmarks.review                      # SQLite in a temporary folder
    .venv/bin/python -m benchmarks.review --leaders 2000       # a smaller run
    .venv/bin/python -m benchmarks.review --database-url postgresql://postgres@127.0.0.1/bench

The schema comes from the migrations; the content is one course of 250 lessons (500
questions); rows are inserted in bulk. CPU is this thread's (``/proc/thread-self/schedstat``),
wall time is printed too but means little on a shared machine: the load average is printed
before and after.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.reports import Statements, cpu_ns  # noqa: E402

CHUNK = 5000
NOW = datetime(2026, 12, 7, 15, 5, tzinfo=UTC)  # 18:05 in Nairobi: the default hour


def _app(url: str, instance: Path):
    from app import create_app

    os.environ["INSTANCE_PATH"] = str(instance)
    return create_app(
        {
            "SECRET_KEY": "review-benchmark-secret-key-long-enough",
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
        }
    )


def _insert(model, rows) -> None:
    from sqlalchemy import insert

    from app.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start : start + CHUNK])


def content(lessons: int = 250) -> list[tuple[int, int, int, int]]:
    """One course of ``lessons`` lessons, two questions each: (question, lesson, course,
    right choice) of every question."""
    from sqlalchemy import select

    from app.extensions import db
    from app.frameworks import services as frameworks
    from app.frameworks.files import load_framework
    from app.learning import demo, services
    from app.learning.course_files import CourseSpec, LessonSpec, ModuleSpec, QuestionSpec
    from app.learning.models import Lesson, QuickCheckQuestion

    framework = frameworks.import_framework(load_framework(demo.DEMO_FRAMEWORK)).framework
    specs = [
        LessonSpec(
            slug=f"lesson-{n}",
            title=f"Lesson {n}",
            competencies=[("LL.2", "LP.2", "LL.1")[n % 3]],
            duration_seconds=300,
            reflection_prompt="What will you try?",
            body=f"Text of lesson {n}.",
            questions=[
                QuestionSpec(f"Question {n}a?", ["A", "B", "C"], 1 + n % 3, "Yes.", "No."),
                QuestionSpec(f"Question {n}b?", ["A", "B"], 2, "Yes.", "No."),
            ],
        )
        for n in range(lessons)
    ]
    spec = CourseSpec(
        slug="bench",
        title="Bench",
        summary="",
        framework=framework.code,
        modules=[ModuleSpec("m", "Module", specs)],
    )
    services.import_course(spec, queue_media=False)
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                QuickCheckQuestion.id, Lesson.id, Lesson.course_id, QuickCheckQuestion.answer
            ).join(Lesson, Lesson.id == QuickCheckQuestion.lesson_id)
        )
    ]


def people(count: int, first_id: int) -> list[int]:
    from app.accounts.models import User, UserRole

    ids = list(range(first_id, first_id + count))
    _insert(
        User,
        [
            {
                "id": uid,
                "email": f"leader{uid}@review.example",
                "name": f"Leader {uid}",
                "password_hash": "x",
                "timezone": "Africa/Nairobi",
                "locale": "en",
                "active": True,
                "created_at": NOW,
                "data_rung": "low",
            }
            for uid in ids
        ],
    )
    _insert(UserRole, [{"user_id": uid, "role": "leader"} for uid in ids])
    return ids


def learned(
    user_ids: list[int], questions, per_leader: int, reviews: int, rng: random.Random
) -> int:
    """Each leader completed the lessons of ``per_leader`` questions long ago, and answered
    each question ``reviews`` times since; returns the review answers written."""
    from app.learning.models import LessonProgress, QuickCheckAnswer
    from app.review.models import ReviewAnswer, ReviewCard
    from app.review.services import scheduler

    progress, answers, cards, logs = [], [], [], []
    for uid in user_ids:
        mine = (
            questions[:per_leader]
            if per_leader >= len(questions)
            else rng.sample(questions, per_leader)
        )
        lessons = {}
        for qid, lesson_id, course_id, right in mine:
            lessons[lesson_id] = course_id
            start = NOW - timedelta(days=rng.randint(30, 120))
            first = rng.random() < 0.8
            answers.append(
                {
                    "user_id": uid,
                    "question_id": qid,
                    "lesson_id": lesson_id,
                    "choice": right if first else right % 2 + 1,
                    "correct": first,
                    "first_correct": first,
                    "attempts": 1,
                    "answered_at": start,
                }
            )
            memory, at = scheduler.first_review(first, start), start
            for _ in range(reviews):
                at = min(memory.due + timedelta(hours=rng.randint(0, 30)), NOW - timedelta(hours=1))
                correct = rng.random() < 0.85
                memory = scheduler.review(memory, correct, at)
                logs.append(
                    {
                        "user_id": uid,
                        "question_id": qid,
                        "lesson_id": lesson_id,
                        "choice": right if correct else right % 2 + 1,
                        "correct": correct,
                        "answered_at": at,
                        "received_at": at,
                    }
                )
            if reviews:
                cards.append(
                    {
                        "user_id": uid,
                        "question_id": qid,
                        "lesson_id": lesson_id,
                        "state": memory.state,
                        "stability": memory.stability,
                        "difficulty": memory.difficulty,
                        "due": memory.due,
                        "last_review": memory.last_review,
                        "reviews": memory.reviews,
                        "lapses": memory.lapses,
                    }
                )
        for lesson_id, course_id in lessons.items():
            progress.append(
                {
                    "user_id": uid,
                    "lesson_id": lesson_id,
                    "course_id": course_id,
                    "position_seconds": 300,
                    "started_at": NOW - timedelta(days=130),
                    "updated_at": NOW - timedelta(days=130),
                    "completed_at": NOW - timedelta(days=130),
                }
            )
    for model, rows in (
        (LessonProgress, progress),
        (QuickCheckAnswer, answers),
        (ReviewCard, cards),
        (ReviewAnswer, logs),
    ):
        _insert(model, rows)
    return len(logs)


def _measure(function, counter: Statements, runs: int) -> tuple[float, float, int]:
    """Median CPU ms and wall ms of ``runs`` calls, each as one request, and the statements
    of one (the published content's version is read once a request, as on a page)."""
    from flask import current_app

    cpu, wall = [], []
    for _ in range(runs):
        counter.count, counter.on = 0, True
        started, clock = cpu_ns(), time.perf_counter()
        with current_app.test_request_context():
            function()
        cpu.append((cpu_ns() - started) / 1e6)
        wall.append((time.perf_counter() - clock) * 1e3)
        counter.on = False
    return statistics.median(cpu), statistics.median(wall), counter.count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--leaders", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="review-bench-"))
    url = args.database_url or f"sqlite:///{instance / 'review.db'}"
    app = _app(url, instance)
    rng = random.Random(27)
    before = os.getloadavg()
    with app.app_context():
        from flask_migrate import upgrade

        from app.accounts.models import User
        from app.extensions import db
        from app.notifications.models import Notification
        from app.review import services

        upgrade()
        started = time.perf_counter()
        questions = content()
        (heavy,) = people(1, 1_000_000)
        past = learned([heavy], questions, per_leader=500, reviews=3, rng=rng)
        many = people(args.leaders, 1)
        learned(many, questions, per_leader=10, reviews=2, rng=rng)
        db.session.commit()
        print(
            f"data: {time.perf_counter() - started:.0f} s; one leader with {past + 500} past answers "
            f"(500 questions), {args.leaders} leaders with 10 questions each"
        )

        counter = Statements(db.engine)
        leader = db.session.get(User, heavy)
        rows = []
        services.today_page(leader, NOW, "en")  # the process's catalogue, read once
        cpu, wall, statements = _measure(
            lambda: services.today_page(leader, NOW, "en"), counter, args.runs
        )
        due = services.counts(leader, NOW).due
        rows.append(("today's review page (2,000 answers)", cpu, wall, statements, f"{due} due"))
        cpu, wall, statements = _measure(
            lambda: services.offline_pack(leader, NOW, "en"), counter, args.runs
        )
        rows.append(("the phone's copy, 3 days (2,000 answers)", cpu, wall, statements, ""))
        cpu, wall, statements = _measure(lambda: services.counts(leader, NOW), counter, args.runs)
        rows.append(("the card on Learn (2,000 answers)", cpu, wall, statements, ""))

        cpu, wall, statements = _measure(
            lambda: services.leaders_to_remind("Africa/Nairobi", 18, NOW), counter, 3
        )
        found = len(services.leaders_to_remind("Africa/Nairobi", 18, NOW))
        rows.append(
            (f"who to remind ({args.leaders:,} leaders)", cpu, wall, statements, f"{found} due")
        )
        cpu, wall, statements = _measure(lambda: services.send_reminders(NOW), counter, 1)
        sent = db.session.query(Notification).count()
        rows.append(
            (f"reminder run ({args.leaders:,} leaders)", cpu, wall, statements, f"{sent} sent")
        )
        # Before the digest: the unread reminders of those with nothing left are withdrawn.
        # Here every one reminded still has something left: the search, deleting nothing.
        cpu, wall, statements = _measure(lambda: services.withdraw_reminders(NOW), counter, 3)
        kept = db.session.query(Notification).count()
        rows.append(
            (
                f"withdrawal before the digest ({sent:,} unread)",
                cpu,
                wall,
                statements,
                f"{sent - kept} withdrawn",
            )
        )
    after = os.getloadavg()

    print(f"\n{'what':<44}{'CPU ms':>10}{'wall ms':>10}{'statements':>12}  note")
    for name, cpu, wall, statements, note in rows:
        print(f"{name:<44}{cpu:>10.1f}{wall:>10.1f}{statements:>12}  {note}")
    print(
        f"\nload average before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}, "
        f"after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f} ({os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
