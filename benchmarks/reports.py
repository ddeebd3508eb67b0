"""Programme reports at scale: server time and SQL statements of a report, its CSV and the
researchers' records, for a programme of 20,000 leaders and a year of activity.

    .venv/bin/python benchmarks/reports.py                      # SQLite in a temp folder
    .venv/bin/python benchmarks/reports.py --database-url postgresql://postgres@127.0.0.1/bench
    .venv/bin/python benchmarks/reports.py --leaders 2000       # quicker

The data is bulk-inserted: leaders in four cohorts and two regions, seven in ten with
research answers, each with 5 to 40 lessons spread over the year and a self-assessment
at the start and at the end on each of 10 competencies. Each measurement runs ``--runs``
times; the table gives the median and the worst time and the statements, which are the
same at any ``--leaders`` (tests/programmes/test_programme_reports.py asserts it). On
PostgreSQL the tables go in a schema of their own, dropped afterwards. Prints only.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHUNK = 5_000
START = date(2025, 12, 1)
COMPETENCIES = 10
LESSONS = 40


def _database(url: str | None, workdir: Path) -> tuple[str, object]:
    if not url:
        return f"sqlite:///{workdir / 'reports.db'}", lambda: None
    from sqlalchemy import create_engine, text

    from app.config import database_url

    url = database_url(url)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", drop


def _insert(model, rows) -> None:
    from sqlalchemy import insert

    from app.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start : start + CHUNK])
    db.session.commit()


def _content():
    """A framework of COMPETENCIES competencies and a course of LESSONS lessons."""
    from app.extensions import db
    from app.frameworks.models import Competency, Domain, Framework
    from app.learning.models import Course, Lesson, Module

    framework = Framework(code="BENCH", name="Bench")
    domain = Domain(framework=framework, code="D", title="Domain")
    db.session.add_all([framework, domain])
    db.session.flush()
    for n in range(COMPETENCIES):
        db.session.add(
            Competency(framework_id=framework.id, domain=domain, code=f"C{n}", title=f"C{n}")
        )
    course = Course(slug="bench", title="Bench", framework_id=framework.id)
    module = Module(course=course, slug="m", title="M")
    db.session.add_all([course, module])
    db.session.flush()
    for n in range(LESSONS):
        db.session.add(
            Lesson(course=course, module=module, slug=f"l{n}", title=f"L{n}", position=n)
        )
    db.session.commit()
    return framework, course


def _people(leaders: int, rng: random.Random):
    from app.accounts.models import User, UserRole
    from app.extensions import db
    from app.programmes.models import Cohort, CohortMember, LeaderProfile, Programme

    programme = Programme(name="Bench programme", region="KE")
    cohorts = [
        Cohort(
            programme=programme,
            name=f"Cohort {n}",
            starts_on=START,
            ends_on=START + timedelta(days=364),
        )
        for n in range(4)
    ]
    db.session.add_all([programme, *cohorts])
    db.session.commit()
    _insert(
        User,
        [
            {"id": i, "email": f"l{i}@bench.example", "name": f"Leader {i}"}
            for i in range(1, leaders + 1)
        ],
    )
    _insert(UserRole, [{"user_id": i, "role": "leader"} for i in range(1, leaders + 1)])
    _insert(
        CohortMember,
        [
            {
                "cohort_id": cohorts[i % 4].id,
                "user_id": i,
                "region": "Coast" if i % 3 == 0 else "Nairobi",
            }
            for i in range(1, leaders + 1)
        ],
    )
    now = datetime.now(UTC)
    _insert(
        LeaderProfile,
        [
            {
                "user_id": i,
                "consent_at": now,
                "gender": rng.choice(["woman", "man", None]),
                "years_as_head": rng.randrange(0, 25),
                "school_type": rng.choice(["public", "private", "faith"]),
                "school_size": rng.choice(["under_200", "200_499", "500_999", "1000_plus"]),
                "locality": rng.choice(["rural", "urban", "peri_urban"]),
            }
            for i in range(1, leaders + 1)
            if rng.random() < 0.7
        ],
    )
    return programme, cohorts


def _activity(leaders: int, framework, course, rng: random.Random) -> int:
    from sqlalchemy import select

    from app.extensions import db
    from app.frameworks.models import Competency
    from app.learning.models import Lesson, LessonProgress, SelfAssessment, SelfRating

    lessons = db.session.scalars(select(Lesson.id).order_by(Lesson.position)).all()
    competencies = db.session.scalars(select(Competency.id)).all()
    base = datetime.combine(START, datetime.min.time(), tzinfo=UTC)
    progress, sittings, ratings, rows = [], [], [], 0
    for user in range(1, leaders + 1):
        for lesson in rng.sample(lessons, rng.randrange(5, 40)):
            at = base + timedelta(minutes=rng.randrange(364 * 24 * 60))
            progress.append(
                {
                    "user_id": user,
                    "lesson_id": lesson,
                    "course_id": course.id,
                    "started_at": at,
                    "updated_at": at,
                    "completed_at": at if rng.random() < 0.8 else None,
                }
            )
        for n, day in enumerate((3, 350)):
            sitting_id = user * 2 + n
            sittings.append(
                {
                    "id": sitting_id,
                    "user_id": user,
                    "framework_id": framework.id,
                    "created_at": base + timedelta(days=day),
                }
            )
            ratings.extend(
                {
                    "assessment_id": sitting_id,
                    "competency_id": c,
                    "level": 1 + (n + rng.randrange(3)) % 4,
                }
                for c in competencies
            )
        if len(progress) > 50_000:
            rows += len(progress)
            _insert(LessonProgress, progress)
            progress = []
    rows += len(progress)
    _insert(LessonProgress, progress)
    _insert(SelfAssessment, sittings)
    _insert(SelfRating, ratings)
    return rows + len(ratings)


def _measure(label: str, fn, runs: int, count_queries) -> tuple:
    from app.extensions import db

    times, statements = [], 0
    for _ in range(runs):
        db.session.expire_all()
        with count_queries() as counter:
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        statements = counter.count
    return label, statistics.median(times) * 1000, max(times) * 1000, statements


def _statement_counter():
    from contextlib import contextmanager

    from sqlalchemy import event

    from app.extensions import db

    class Counter:
        count = 0

        def __call__(self, *args):
            self.count += 1

    @contextmanager
    def counting():
        counter = Counter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting


def _measurements(programme, cohorts, admin, runs: int) -> list[tuple]:
    from app.programmes import services

    today = START + timedelta(days=364)
    whole = services.Scope(programme)
    count = _statement_counter()
    report = services.build_report(whole, today=today)
    results = [
        _measure(
            "report: whole programme",
            lambda: services.build_report(whole, today=today),
            runs,
            count,
        ),
        _measure(
            "report: one cohort",
            lambda: services.build_report(services.Scope(programme, cohorts[0]), today=today),
            runs,
            count,
        ),
        _measure(
            "report: one region",
            lambda: services.build_report(services.Scope(programme, None, "Coast"), today=today),
            runs,
            count,
        ),
        _measure("report CSV (whole)", lambda: services.report_csv(report, by=admin), runs, count),
        _measure(
            "pseudonymised records CSV (whole)",
            lambda: services.records_csv(whole, by=admin, start=report.start, end=today),
            max(1, runs // 2),
            count,
        ),
    ]
    return results


def run(leaders: int, runs: int, url: str | None) -> None:
    from sqlalchemy import text

    from app import create_app
    from app.accounts.models import User
    from app.extensions import db

    workdir = Path(tempfile.mkdtemp(prefix="hw-reports-"))
    database, cleanup = _database(url, workdir)
    app = create_app({"SECRET_KEY": "b" * 48, "SQLALCHEMY_DATABASE_URI": database, "TESTING": True})
    rng = random.Random(20_000)
    try:
        with app.app_context():
            db.create_all()
            framework, course = _content()
            programme, cohorts = _people(leaders, rng)
            started = time.perf_counter()
            rows = _activity(leaders, framework, course, rng)
            admin = User(id=leaders + 1, email="admin@bench.example", name="Admin")
            db.session.add(admin)
            db.session.commit()
            # Planner statistics, as a live database has them (autovacuum, or SQLite's
            # optimize): freshly bulk-loaded tables have none, and PostgreSQL then guesses
            # a handful of leaders and loops over them.
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            print(
                f"{db.engine.dialect.name}: {leaders:,} leaders, {rows:,} activity and rating rows "
                f"(loaded in {time.perf_counter() - started:.0f} s)"
            )
            print(f"{'measurement':<36} {'median ms':>10} {'worst ms':>10} {'statements':>11}")
            for label, median, worst, statements in _measurements(programme, cohorts, admin, runs):
                print(f"{label:<36} {median:>10.0f} {worst:>10.0f} {statements:>11}")
            db.session.remove()
            db.engine.dispose()
    finally:
        cleanup()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaders", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    run(args.leaders, args.runs, args.database_url)


if __name__ == "__main__":
    main()
