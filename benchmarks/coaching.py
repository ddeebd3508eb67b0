"""The coach's dashboard with 50 leaders and a year of activity: server time and SQL
statements per request, on SQLite and (with --database-url) PostgreSQL.

    .venv/bin/python benchmarks/coaching.py
    .venv/bin/python benchmarks/coaching.py --database-url postgresql://postgres@127.0.0.1:5432/test

Each database gets a fresh schema (SQLite: a temporary file; PostgreSQL: a private schema,
dropped afterwards) holding one coach with ``--leaders`` leaders and, as other
programmes' data around them, ``--other-coaches`` coaches with as many leaders each.
Every leader has a year of activity: a check-in a month (prepared, recorded, rated, two
actions), quarterly self-assessments, lessons done with quick-check answers and notebook
entries. The time is measured around the request in process (no network): what the
server spends, the figure that grows with data if queries are not constant.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, event, text  # noqa: E402

PASSWORD = "benchmark-password-1"
COURSES = Path(__file__).resolve().parents[1] / "courses"


def _config(url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "benchmark-secret-key-that-is-long-enough",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": False,
    }


def _course(framework_code: str, lessons: int):
    from app.learning.course_files import CourseSpec, LessonSpec, ModuleSpec, QuestionSpec

    codes = ["LL.1", "LL.2", "LP.1", "LP.2"]
    return CourseSpec(
        slug="bench",
        title="Benchmark course",
        summary="",
        framework=framework_code,
        modules=[
            ModuleSpec(
                "m",
                "Module",
                [
                    LessonSpec(
                        slug=f"lesson-{n}",
                        title=f"Lesson {n}",
                        competencies=[codes[n % len(codes)]],
                        duration_seconds=300,
                        reflection_prompt="What will you try?",
                        questions=[
                            QuestionSpec("Which?", ["A", "B"], 1, "Yes.", "No."),
                            QuestionSpec("And?", ["A", "B", "C"], 2, "Yes.", "No."),
                        ],
                    )
                    for n in range(lessons)
                ],
            )
        ],
    )


def _seed_content():
    from app.frameworks import services as frameworks
    from app.frameworks.files import load_framework
    from app.learning import services as learning

    framework = frameworks.import_framework(
        load_framework(COURSES / "frameworks" / "school-leadership-core.yaml")
    ).framework
    course = learning.import_course(_course(framework.code, 40), queue_media=False).course
    return framework, course


def _year_of_activity(leader, coach, framework, lessons, rng, today: date) -> None:
    """Rows added straight to the session (services commit each write: too slow for
    thousands); the same shapes the services write."""
    from app.coaching.models import ActionItem, CheckIn, CoachRating, PrivateNote
    from app.extensions import db
    from app.learning.models import (
        LessonProgress,
        QuickCheckAnswer,
        Reflection,
        SelfAssessment,
        SelfRating,
    )

    competency_ids = [c.id for d in framework.domains for c in d.competencies]
    start = datetime.combine(today - timedelta(days=365), datetime.min.time(), tzinfo=UTC)
    for month in range(12):
        at = start + timedelta(days=30 * month + rng.randint(0, 5), hours=9)
        check_in = CheckIn(
            coach_id=coach.id, leader_id=leader.id, schedule_key=f"b{leader.id}-{month}", starts_at=at,
            mode="call", prep_tried="x", prep_happened="y", prep_help="z", prepared_at=at,
            notes="Notes of the month.", held_at=at + timedelta(hours=1),
        )  # fmt: skip
        db.session.add(check_in)
        db.session.flush()
        db.session.add(PrivateNote(check_in_id=check_in.id, body="private", updated_at=at))
        db.session.add_all(
            CoachRating(check_in_id=check_in.id, competency_id=c, level=rng.randint(1, 4))
            for c in competency_ids[:2]
        )
        for n in range(2):
            due = (at + timedelta(days=14)).date()
            done = due < today - timedelta(days=20) or rng.random() < 0.5
            db.session.add(
                ActionItem(
                    check_in_id=check_in.id, leader_id=leader.id, create_key=f"a{n}",
                    title="An action", owner=("leader", "coach")[n], due_on=due,
                    status="done" if done else "open", done_at=at if done else None,
                )
            )  # fmt: skip
    for quarter in range(4):
        sitting = SelfAssessment(
            user_id=leader.id, framework_id=framework.id,
            created_at=start + timedelta(days=91 * quarter),
        )  # fmt: skip
        db.session.add(sitting)
        db.session.flush()
        db.session.add_all(
            SelfRating(assessment_id=sitting.id, competency_id=c, level=min(4, 1 + quarter))
            for c in competency_ids
        )
    for n, lesson in enumerate(rng.sample(lessons, 30)):
        when = start + timedelta(days=12 * n)
        db.session.add(
            LessonProgress(
                user_id=leader.id, lesson_id=lesson.id, course_id=lesson.course_id,
                position_seconds=300, started_at=when, updated_at=when, completed_at=when,
            )
        )  # fmt: skip
        db.session.add(
            Reflection(user_id=leader.id, lesson_id=lesson.id, body="Entry.", updated_at=when)
        )
        for question in lesson.questions:
            right = rng.random() < 0.7
            db.session.add(
                QuickCheckAnswer(
                    user_id=leader.id, question_id=question.id, lesson_id=lesson.id,
                    choice=question.answer if right else 3, correct=right, first_correct=right,
                    answered_at=when,
                )
            )  # fmt: skip


def _seed(leaders: int, other_coaches: int):
    from app.accounts import services as accounts
    from app.coaching.models import CoachPairing, ImprovementPriority, PriorityCompetency
    from app.extensions import db
    from app.learning.models import Lesson

    framework, course = _seed_content()
    lessons = list(db.session.query(Lesson).filter_by(course_id=course.id))
    rng, today = random.Random(7), datetime.now(UTC).date()
    measured = None
    for c in range(1 + other_coaches):
        coach = accounts.create_user(
            email=f"coach{c}@example.org", name=f"Coach {c}", roles=("coach",),
            password=PASSWORD if c == 0 else None,
        )  # fmt: skip
        measured = measured or coach
        for n in range(leaders):
            leader = accounts.create_user(
                email=f"leader{c}-{n}@example.org", name=f"Leader {c}-{n:02d}", roles=("leader",)
            )
            db.session.add(CoachPairing(coach_id=coach.id, leader_id=leader.id))
            priority = ImprovementPriority(leader_id=leader.id, title="Reading for all")
            db.session.add(priority)
            db.session.flush()
            competency = framework.domains[0].competencies[0]
            db.session.add(PriorityCompetency(priority_id=priority.id, competency_id=competency.id))
            _year_of_activity(leader, coach, framework, lessons, rng, today)
        db.session.commit()
    return measured


def _measure(app, coach, repeats: int) -> dict:
    from app.extensions import db

    client = app.test_client()
    client.post("/sign-in", data={"identifier": coach.email, "password": PASSWORD})
    leader_url = None
    timings: dict[str, list[float]] = {"dashboard": [], "leader page": []}
    statements: dict[str, int] = {}
    counted: list[str] = []

    def count(conn, cursor, statement, *args):
        counted.append(statement)

    first = client.get("/coaching/")
    assert first.status_code == 200, first.status_code
    body = first.get_data(as_text=True)
    leader_url = body.split('href="/coaching/leaders/', 1)[1].split('"', 1)[0]
    for name, url in (
        ("dashboard", "/coaching/"),
        ("leader page", f"/coaching/leaders/{leader_url}"),
    ):
        client.get(url)  # warm
        for _ in range(repeats):
            counted.clear()
            event.listen(db.engine, "before_cursor_execute", count)
            began = time.perf_counter()
            response = client.get(url)
            timings[name].append((time.perf_counter() - began) * 1000)
            event.remove(db.engine, "before_cursor_execute", count)
            assert response.status_code == 200, (url, response.status_code)
            statements[name] = len(counted)
    return {
        name: (statements[name], statistics.median(t), sorted(t)[int(0.9 * (len(t) - 1))])
        for name, t in timings.items()
    }


def run(label: str, url: str, args) -> dict:
    from app import create_app
    from app.extensions import db

    with tempfile.TemporaryDirectory() as instance:
        app = create_app(_config(url, Path(instance)))
        with app.app_context():
            db.create_all()
            began = time.perf_counter()
            coach = _seed(args.leaders, args.other_coaches)
            print(f"{label}: seeded in {time.perf_counter() - began:.0f} s", file=sys.stderr)
            results = _measure(app, coach, args.repeats)
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
    return results


def _postgres_schema(url: str):
    from app.config import database_url

    url = database_url(url)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", admin, schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="also run on this PostgreSQL database")
    parser.add_argument("--leaders", type=int, default=50)
    parser.add_argument("--other-coaches", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("SQLite", run("SQLite", f"sqlite:///{tmp}/bench.db", args)))
    if args.database_url:
        url, admin, schema = _postgres_schema(args.database_url)
        try:
            rows.append(("PostgreSQL", run("PostgreSQL", url, args)))
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    print(f"\nA coach with {args.leaders} leaders, a year of activity each "
          f"({args.other_coaches} other coaches alike); {args.repeats} requests per page.\n")  # fmt: skip
    print(f"{'database':<12} {'page':<12} {'statements':>10} {'median ms':>10} {'p90 ms':>8}")
    for label, results in rows:
        for page, (statements, median, p90) in results.items():
            print(f"{label:<12} {page:<12} {statements:>10} {median:>10.1f} {p90:>8.1f}")


if __name__ == "__main__":
    main()
