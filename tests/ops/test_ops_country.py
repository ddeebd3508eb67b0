"""benchmarks/country.py at a tiny scale: the schema from the migrations, the counts it
prints, the same rows from the same seed, and a synthetic leader who can sign in.

The suite's own database is made with ``db.create_all()``; the country needs an empty one
to migrate, so it gets a new SQLite file, or on PostgreSQL a schema of its own beside the
suite's."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from benchmarks import country
from tests.conftest import app_config

TINY = ["--leaders", "50", "--coaches", "5", "--cohorts", "2", "--regions", "2"]
TINY += ["--groups", "3", "--days", "14"]


@pytest.fixture
def empty_database(database_url, tmp_path):
    """A factory of empty databases of the suite's engine, given as arguments for the
    script: a SQLite file path, or ``--database-url`` with a fresh schema."""
    if database_url.startswith("sqlite"):
        yield lambda: [str(tmp_path / f"country-{uuid.uuid4().hex[:6]}.db")]
        return
    base = database_url.split("?")[0]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    schemas = []

    def make():
        schemas.append(f"country_{uuid.uuid4().hex[:10]}")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schemas[-1]}"'))
        return ["--database-url", f"{base}?options=-csearch_path%3D{schemas[-1]}"]

    yield make
    with admin.connect() as conn:
        for schema in schemas:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _printed_counts(output: str) -> dict[str, int]:
    table = output.split("\n\n")[1].splitlines()[1:-1]  # between the header and the total
    return {name: int(rows.replace(",", "")) for name, rows in (line.split() for line in table)}


def test_a_tiny_country(empty_database, capsys, tmp_path):
    target = empty_database()
    result = country.main([*target, *TINY])
    output = capsys.readouterr().out
    counts = result["counts"]

    assert _printed_counts(output) == counts
    assert re.search(r"load average before: [\d.]+ [\d.]+ [\d.]+", output)
    assert counts["users"] == 50 + 5 + 1  # leaders, coaches, the admin
    assert counts["user_roles"] == counts["users"]
    assert counts["cohorts"] == 2
    assert counts["cohort_members"] == counts["coaching_pairings"] == 50
    assert counts["groups"] == counts["group_threads"] == 3
    assert counts["group_members"] == 50 + 3  # and a coach moderating each group
    assert counts["self_ratings"] == counts["self_assessments"] * counts["competencies"]
    assert counts["self_assessments"] >= 50
    for table in ("lesson_progress", "quick_check_answers", "reflections", "group_posts"):
        assert counts[table] > 0, table
    for table in ("coaching_priorities", "coaching_check_ins", "coaching_actions"):
        assert counts[table] > 0, table
    assert [step.name for step in result["steps"]][0] == "schema (migrations)"

    # The same seed makes the same country.
    assert country.main([*empty_database(), *TINY])["counts"] == counts
    capsys.readouterr()

    password = re.search(r"Every account's password: (\S+)", output).group(1)
    url = f"sqlite:///{target[0]}" if len(target) == 1 else target[1]
    app = create_app(app_config(url, tmp_path))
    client = app.test_client()
    for identifier in (country.leader_email(1), country.leader_phone(50), "admin@country.example"):
        response = client.post("/sign-in", data={"identifier": identifier, "password": password})
        assert response.status_code == 303, identifier
        client.post("/sign-out")
    wrong = client.post("/sign-in", data={"identifier": country.leader_email(1), "password": "x"})
    assert wrong.status_code != 303
