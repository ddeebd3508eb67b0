"""A country to test on: a reproducible programme of 20,000 leaders and a year of activity,
for load tests and benchmarks.

    .venv/bin/python -m benchmarks.country /tmp/country.db            # SQLite file
    .venv/bin/python -m benchmarks.country --database-url postgresql://postgres@127.0.0.1/test
    .venv/bin/python -m benchmarks.country /tmp/small.db --leaders 50 --coaches 5 --cohorts 2 \\
        --regions 2 --groups 3 --days 14

The schema comes from the migrations (``flask db upgrade``); the default framework and the
demo course come from ``courses/`` through the app's own import services, and the
programme and its cohorts through the programme services, so what they check holds. The
people and their year are then bulk-inserted with SQLAlchemy Core ``insert()`` in chunks,
from one seeded ``random.Random``: the same arguments make the same rows. Every synthetic
account (``leader00001@country.example``, ``coach001@country.example``,
``admin@country.example``, each with a phone number too) has the password printed at the
end, hashed once. Prints the load average before it starts, the rows per table and each
step's wall and CPU seconds (the CPU of this process: a PostgreSQL server's is not in it).

The target must be empty: a new SQLite file, or a PostgreSQL database or schema (put
``options=-csearch_path%3D<schema>`` in the URL) with no tables yet.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.country_year import START, assessments, coaching, groups, learning  # noqa: E402

PASSWORD = "country-password-1"
CHUNK = 5_000
REGIONS = ("Nairobi", "Coast", "Rift Valley", "Central", "Western", "Nyanza", "Eastern")
REGIONS += ("North Eastern",)
SCHOOL_WORDS = ("Hill", "River", "Market", "Mission", "Valley", "Lake", "Junction", "Forest")


@dataclass(frozen=True)
class Scale:
    leaders: int = 20_000
    coaches: int = 400
    cohorts: int = 40
    regions: int = 8
    groups: int = 200
    days: int = 365
    seed: int = 2026


@dataclass
class Step:
    name: str
    wall: float
    cpu: float


def leader_email(n: int) -> str:
    return f"leader{n:05d}@country.example"


def leader_phone(n: int) -> str:
    return f"+2547{10_000_000 + n:08d}"


def coach_email(n: int) -> str:
    return f"coach{n:03d}@country.example"


class Loader:
    """Inserts rows in chunks, counting them per table; nothing commits but ``commit``."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def insert(self, model, rows: list[dict]) -> None:
        from sqlalchemy import insert

        from app.extensions import db

        for start in range(0, len(rows), CHUNK):
            db.session.execute(insert(model), rows[start : start + CHUNK])
        self.counts[model.__tablename__] += len(rows)

    def commit(self) -> None:
        from app.extensions import db

        db.session.commit()


# --- steps ---------------------------------------------------------------------------


def migrate() -> None:
    from flask_migrate import upgrade

    upgrade()


def content() -> dict:
    """The default framework and the demo course, as ``flask demo load`` imports them."""
    from sqlalchemy import select

    from app.extensions import db
    from app.frameworks import services as frameworks
    from app.frameworks.files import load_framework
    from app.frameworks.models import Competency
    from app.learning import demo, services
    from app.learning.course_files import load_course
    from app.learning.models import Course, Lesson, QuickCheckQuestion

    frameworks.import_framework(load_framework(demo.DEMO_FRAMEWORK))
    for course_dir in demo.DEMO_COURSES:
        spec = load_course(course_dir, frameworks.known_competency_codes())
        services.import_course(spec, queue_media=False)
    lessons = db.session.execute(
        select(Lesson.id, Lesson.course_id, Lesson.duration_seconds).order_by(Lesson.id)
    ).all()
    questions: dict[int, list[tuple[int, int, int]]] = {}
    for qid, lesson_id, answer, choices in db.session.execute(
        select(
            QuickCheckQuestion.id,
            QuickCheckQuestion.lesson_id,
            QuickCheckQuestion.answer,
            QuickCheckQuestion.choices,
        )
    ):
        questions.setdefault(lesson_id, []).append((qid, answer, len(choices)))
    return {
        "framework_id": frameworks.default_framework().id,
        "competencies": db.session.scalars(select(Competency.id).order_by(Competency.id)).all(),
        "courses": db.session.scalars(select(Course.id)).all(),
        "lessons": lessons,
        "questions": questions,
    }


def programme(scale: Scale, found: dict) -> dict:
    """The admin, the programme and its cohorts, through the services that check them."""
    from app.accounts import services as accounts
    from app.accounts.models import User
    from app.accounts.services.people import hash_password
    from app.extensions import db
    from app.forms import new_form_key
    from app.programmes import services as programmes
    from app.roles import Role

    password_hash = hash_password(PASSWORD)  # once for everyone: scrypt 20,401 times is an hour
    admin = accounts.create_user(
        email="admin@country.example",
        phone="+254799999999",
        name="Country Admin",
        roles=(Role.ADMIN,),
        country="KE",
    )
    _update(User, admin.id, password_hash=password_hash)
    db.session.commit()
    made = programmes.save_programme(
        None,
        name="Country programme",
        framework_id=found["framework_id"],
        region="KE",
        course_ids=found["courses"],
        by=admin,
        key=new_form_key(),
    )
    cohorts = [
        programmes.save_cohort(
            made,
            None,
            name=f"Cohort {n + 1:02d}",
            starts_on=START,
            ends_on=START + timedelta(days=scale.days),
            by=admin,
            key=new_form_key(),
        ).id
        for n in range(scale.cohorts)
    ]
    return {
        "admin_id": admin.id,
        "programme_id": made.id,
        "cohorts": cohorts,
        "password_hash": password_hash,
    }


def people(scale: Scale, found: dict, rng: random.Random, load: Loader) -> dict:
    """Leaders and coaches with one shared password hash; cohort places and profiles."""
    from app.accounts.models import User, UserRole
    from app.programmes.models import Cohort, CohortMember, LeaderProfile

    first = found["admin_id"] + 1
    leaders = list(range(first, first + scale.leaders))
    coaches = list(range(first + scale.leaders, first + scale.leaders + scale.coaches))
    created = datetime.combine(START, clock(6), tzinfo=UTC) - timedelta(days=7)
    users, roles = [], []
    for n, uid in enumerate(leaders, start=1):
        school = f"{rng.choice(SCHOOL_WORDS)} {n} Primary School"
        users.append(_account(uid, leader_email(n), leader_phone(n), f"Leader {n}", school))
        roles.append({"user_id": uid, "role": "leader"})
    for n, uid in enumerate(coaches, start=1):
        phone = f"+2547{90_000_000 + n:08d}"
        users.append(_account(uid, coach_email(n), phone, f"Coach {n}", ""))
        roles.append({"user_id": uid, "role": "coach"})
    for row in users:
        row.update(password_hash=found["password_hash"], created_at=created)
    load.insert(User, users)
    load.insert(UserRole, roles)
    cohorts = found["cohorts"]
    region_of = {c: REGIONS[k % scale.regions] for k, c in enumerate(cohorts)}
    members = [
        {"cohort_id": cohorts[k % len(cohorts)], "user_id": uid, "joined_at": created}
        for k, uid in enumerate(leaders)
    ]
    for row in members:
        row["region"] = region_of[row["cohort_id"]]
    load.insert(CohortMember, members)
    for cohort_id, count in Counter(row["cohort_id"] for row in members).items():
        _update(Cohort, cohort_id, member_count=count)
    load.insert(LeaderProfile, [_profile(uid, rng) for uid in leaders if rng.random() < 0.7])
    load.commit()
    return {"leaders": leaders, "coaches": coaches}


def _account(uid: int, email: str, phone: str, name: str, school: str) -> dict:
    return {
        "id": uid,
        "email": email,
        "phone": phone,
        "name": name,
        "school": school,
        "country": "KE",
        "locale": "en",
        "timezone": "Africa/Nairobi",
    }


def _profile(uid: int, rng: random.Random) -> dict:
    return {
        "user_id": uid,
        "consent_at": datetime.combine(START, clock(8), tzinfo=UTC),
        "gender": rng.choice(["woman", "man", None]),
        "years_as_head": rng.randrange(0, 25),
        "school_type": rng.choice(["public", "private", "faith"]),
        "school_size": rng.choice(["under_200", "200_499", "500_999", "1000_plus"]),
        "locality": rng.choice(["rural", "urban", "peri_urban"]),
    }


def _update(model, row_id, **values) -> None:
    from sqlalchemy import update

    from app.extensions import db

    db.session.execute(update(model).where(model.id == row_id).values(**values))


def settle() -> None:
    """Sequences past the ids given explicitly (PostgreSQL), so the app's own inserts do not
    collide; then planner statistics, as a live database has them."""
    from sqlalchemy import Integer, text

    from app.extensions import db

    if db.engine.dialect.name == "postgresql":
        for table in db.metadata.sorted_tables:
            key = table.primary_key.columns.values()
            if len(key) == 1 and key[0].name == "id" and isinstance(key[0].type, Integer):
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f'COALESCE(MAX(id), 0) + 1, false) FROM "{table.name}"'
                    )
                )
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def row_counts() -> dict[str, int]:
    from sqlalchemy import func, select

    from app.extensions import db

    counts = {}
    for table in db.metadata.sorted_tables:
        count = db.session.scalar(select(func.count()).select_from(table))
        if count:
            counts[table.name] = count
    return counts


# --- running it ----------------------------------------------------------------------


def build(url: str, scale: Scale = Scale(), config: dict | None = None) -> dict:
    """Make the country at ``url`` (an empty database); returns the steps' times and the
    rows per table."""
    from app import create_app
    from app.extensions import db

    app = create_app(
        {"SECRET_KEY": "country-benchmark-secret-key-long-enough", **(config or {})}
        | {"SQLALCHEMY_DATABASE_URI": url}
    )
    rng = random.Random(scale.seed)
    load = Loader()
    steps: list[Step] = []

    def step(name, fn, *args):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn(*args)
        steps.append(Step(name, time.perf_counter() - wall, time.process_time() - cpu))
        return result

    with app.app_context():
        step("schema (migrations)", migrate)
        found = step("framework and demo course", content)
        found |= step("programme and cohorts", programme, scale, found)
        cast = step("people", people, scale, found, rng, load)
        step("lessons, answers, reflections", learning, scale, found, cast, rng, load)
        step("self-assessments", assessments, scale, found, cast, rng, load)
        step("groups, threads, posts", groups, scale, cast, rng, load)
        step("coaching", coaching, scale, found, cast, rng, load)
        step("sequences and ANALYZE", settle)
        counts = row_counts()
        dialect = db.engine.dialect.name
        db.session.remove()
        db.engine.dispose()
    return {"steps": steps, "counts": counts, "dialect": dialect, "password": PASSWORD}


def sqlite_url(path: Path) -> str:
    if path.exists():
        raise SystemExit(f"{path} exists: give a new file, the country starts from nothing.")
    return f"sqlite:///{path.resolve()}"


def report(result: dict, load_average: tuple[float, float, float]) -> str:
    lines = [
        f"{result['dialect']}; load average before: " + " ".join(f"{n:.2f}" for n in load_average),
        "",
        f"{'table':<34} {'rows':>10}",
    ]
    counts = result["counts"]
    lines += [f"{name:<34} {counts[name]:>10,}" for name in sorted(counts)]
    lines += [f"{'total':<34} {sum(counts.values()):>10,}", ""]
    lines.append(f"{'step':<34} {'wall s':>8} {'CPU s':>8}")
    lines += [f"{s.name:<34} {s.wall:>8.1f} {s.cpu:>8.1f}" for s in result["steps"]]
    wall = sum(s.wall for s in result["steps"])
    cpu = sum(s.cpu for s in result["steps"])
    lines += [f"{'total':<34} {wall:>8.1f} {cpu:>8.1f}", ""]
    lines.append(
        f"Every account's password: {result['password']} "
        f"(e.g. {leader_email(1)} or {leader_phone(1)}; {coach_email(1)}; admin@country.example)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, help="a new SQLite file")
    parser.add_argument("--database-url", help="an empty database instead (PostgreSQL)")
    for field in ("leaders", "coaches", "cohorts", "regions", "groups", "days", "seed"):
        parser.add_argument(f"--{field}", type=int, default=getattr(Scale, field))
    args = parser.parse_args(argv)
    if bool(args.path) == bool(args.database_url):
        parser.error("give either a SQLite file path or --database-url")
    if args.regions > len(REGIONS) or args.regions > args.cohorts:
        parser.error(f"--regions: at most {len(REGIONS)}, and no more than --cohorts")
    from app.config import database_url

    url = database_url(args.database_url) if args.database_url else sqlite_url(args.path)
    scale = Scale(**{f: getattr(args, f) for f in Scale.__dataclass_fields__})
    load_average = os.getloadavg()
    result = build(url, scale)
    print(report(result, load_average))
    return result


if __name__ == "__main__":
    main()
