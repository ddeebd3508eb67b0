"""The schema only changes through migrations: they build it from nothing, on SQLite and
PostgreSQL, and agree with the models."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, Table, create_engine, event, inspect, text

from app import create_app
from app.extensions import db
from tests.conftest import app_config

# Each test makes a database of its own (``_fresh_database``), but what it finds depends on
# the engine: naming ``database_url`` keeps the tests in the PostgreSQL pass
# (``postgresql_can_change`` in tests/conftest.py).
pytestmark = pytest.mark.usefixtures("database_url")


def _fresh_database(tmp_path):
    """An empty SQLite file, or an empty PostgreSQL schema when the suite runs on PostgreSQL."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'migrated.db'}", None
    from app.config import database_url

    url = database_url(url)
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", (engine, schema)


def test_migrations_build_the_schema_the_models_describe(tmp_path):
    url, cleanup = _fresh_database(tmp_path)
    app = create_app(app_config(url, tmp_path))
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                differences = compare_metadata(context, db.metadata)
            assert differences == [], f"models and migrations disagree: {differences}"
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            assert "users" in inspect(db.engine).get_table_names()
            db.engine.dispose()
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()


# What points at a check-in: a rebuild of ``coaching_check_ins`` with SQLite's foreign keys
# on deletes all of it (ON DELETE CASCADE), so these are counted before and after.
CHECK_IN_RECORDS = (
    "coaching_check_ins",
    "coaching_actions",
    "coaching_ratings",
    "coaching_private_notes",
)


def _insert(conn, table: str, **values) -> int | None:
    """One row, by a table as the database has it at the current revision (the models
    describe the newest one)."""
    reflected = Table(table, MetaData(), autoload_with=conn)
    result = conn.execute(reflected.insert().values(**values))
    return result.inserted_primary_key[0] if reflected.primary_key.columns else None


def _check_in_with_its_records(conn) -> None:
    """A held check-in at revision 0014, with an action, a rating and a private note."""
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    person = {"school": "Mlimani", "country": "TZ", "timezone": "UTC", "active": True}
    coach = _insert(conn, "users", name="Coach", email="c@example.org", created_at=at, **person)
    leader = _insert(conn, "users", name="Leader", email="l@example.org", created_at=at, **person)
    framework = _insert(
        conn,
        "frameworks",
        code="F",
        name="F",
        scope="",
        version="1",
        language="en",
        created_at=at,
        updated_at=at,
    )
    domain = _insert(
        conn,
        "framework_domains",
        framework_id=framework,
        code="D",
        title="D",
        description="",
        position=1,
    )
    competency = _insert(
        conn,
        "competencies",
        framework_id=framework,
        domain_id=domain,
        code="C",
        title="C",
        description="",
        position=1,
        retired=False,
    )
    check_in = _insert(
        conn,
        "coaching_check_ins",
        coach_id=coach,
        leader_id=leader,
        schedule_key="k",
        starts_at=at,
        mode="call",
        created_at=at,
        prep_tried="",
        prep_happened="",
        prep_help="",
        notes="Went well",
        held_at=at,
    )
    _insert(
        conn,
        "coaching_actions",
        check_in_id=check_in,
        leader_id=leader,
        create_key="a",
        title="Observe a lesson",
        owner="leader",
        due_on=date(2026, 12, 15),
        status="open",
        created_at=at,
    )
    _insert(conn, "coaching_ratings", check_in_id=check_in, competency_id=competency, level=2)
    _insert(conn, "coaching_private_notes", check_in_id=check_in, body="Tired", updated_at=at)


def _counts(tables) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}


@contextmanager
def _migrating_app(tmp_path):
    """The app in its context on a fresh database, for a test to migrate up and down."""
    url, cleanup = _fresh_database(tmp_path)
    app = create_app(app_config(url, tmp_path))
    try:
        with app.app_context():
            yield app
            db.engine.dispose()
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()


def test_adding_to_check_ins_keeps_everything_that_points_at_them(tmp_path):
    """0015 rebuilds ``coaching_check_ins`` on SQLite; a database upgraded from 0014 keeps
    every check-in's actions, ratings and notes, both ways, and its connections get their
    foreign keys back."""
    with _migrating_app(tmp_path):
        upgrade(revision="0014_import_jobs")
        with db.engine.begin() as conn:
            _check_in_with_its_records(conn)
        expected = dict.fromkeys(CHECK_IN_RECORDS, 1)
        assert _counts(CHECK_IN_RECORDS) == expected

        used = []
        event.listen(db.engine, "checkout", lambda dbapi, record, proxy: used.append(dbapi))
        upgrade()
        assert _counts(CHECK_IN_RECORDS) == expected
        if db.engine.dialect.name == "sqlite":
            assert used
            for connection in used:
                assert connection.execute("PRAGMA foreign_keys").fetchone() == (1,)

        downgrade(revision="0014_import_jobs")
        assert _counts(CHECK_IN_RECORDS) == expected


def test_downgrades_that_rebuild_a_table_keep_what_points_at_it(tmp_path):
    """0016 and 0014 rebuild ``import_batches`` on the way down, 0004 ``media_assets``: a
    cohort member keeps the import that brought them, a video its renditions and its lesson."""
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with _migrating_app(tmp_path):
        upgrade(revision="0004_media_error_templates")
        with db.engine.begin() as conn:
            owner = _insert(
                conn,
                "users",
                name="Author",
                school="",
                country="KE",
                timezone="UTC",
                data_saver=False,  # a column until 0011
                active=True,
                created_at=at,
            )
            framework = _insert(
                conn,
                "frameworks",
                code="F",
                name="F",
                scope="",
                version="1",
                language="en",
                created_at=at,
                updated_at=at,
            )
            course = _insert(
                conn,
                "courses",
                slug="c",
                title="C",
                summary="",
                language="en",
                framework_id=framework,
                published=True,
                position=1,
                lesson_count=1,
                duration_seconds=60,
                created_at=at,
                updated_at=at,
            )
            module = _insert(
                conn,
                "course_modules",
                course_id=course,
                slug="m",
                title="M",
                position=1,
                published=True,
            )
            asset = _insert(
                conn,
                "media_assets",
                owner_id=owner,
                status="ready",
                progress=1.0,
                attempts=1,
                original_filename="a.mp4",
                source_key="a.mp4",
                source_bytes=1,
                key_prefix="a",
                created_at=at,
            )
            _insert(
                conn,
                "renditions",
                asset_id=asset,
                name="240p",
                kind="video",
                storage_key="a/240p.mp4",
                content_type="video/mp4",
                codecs="avc1",
                bytes=1,
                duration_s=60.0,
                bitrate_kbps=100.0,
                created_at=at,
            )
            lesson = _insert(
                conn,
                "lessons",
                course_id=course,
                module_id=module,
                slug="l",
                title="L",
                position=1,
                duration_seconds=60,
                body="",
                body_html="",
                reflection_prompt="",
                media_asset_id=asset,
                published=True,
                created_at=at,
                updated_at=at,
            )
        upgrade(revision="0016_import_rows")
        with db.engine.begin() as conn:
            programme = _insert(conn, "programmes", name="P", region="KE", created_at=at)
            cohort = _insert(
                conn,
                "cohorts",
                programme_id=programme,
                name="2026",
                starts_on=date(2026, 1, 5),
                member_count=1,
                created_at=at,
            )
            batch = _insert(
                conn,
                "import_batches",
                key="k",
                programme_id=programme,
                created_at=at,
                row_count=1,
                content="",
                confirmed_at=at,
                status="ready",
                rows_done=1,
            )
            _insert(
                conn,
                "cohort_members",
                cohort_id=cohort,
                user_id=owner,
                region="",
                import_batch_id=batch,
                joined_at=at,
            )

        downgrade(revision="0013_programmes")
        with db.engine.connect() as conn:
            imported = "SELECT import_batch_id FROM cohort_members"
            assert conn.execute(text(imported)).scalars().all() == [batch]

        downgrade(revision="0003_learning")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM renditions")).scalar() == 1
            video = text("SELECT media_asset_id FROM lessons WHERE id = :id")
            assert conn.execute(video, {"id": lesson}).scalar() == asset


# What a group's threads and posts carry: 0022 rebuilds both tables on SQLite to drop their
# old keys, which with foreign keys on would delete all of it.
GROUP_RECORDS = (
    "group_threads",
    "group_posts",
    "group_thread_reads",
    "group_post_reports",
    "form_keys",
    "coaching_check_ins",
    "coaching_actions",
)


def test_the_one_key_scheme_keeps_every_thread_post_and_what_points_at_them(tmp_path):
    """0022 drops the keys the areas kept on their rows (rebuilding ``group_threads`` and
    ``group_posts`` on SQLite) and moves the studio's into ``form_keys``; every row stays,
    both ways."""
    with _migrating_app(tmp_path):
        upgrade(revision="0021_practices")
        at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        with db.engine.begin() as conn:
            _check_in_with_its_records(conn)
            leader = conn.execute(text("SELECT id FROM users WHERE email = 'l@example.org'"))
            leader = leader.scalar()
            group = _insert(conn, "groups", name="G", description="", created_at=at)
            thread = _insert(
                conn,
                "group_threads",
                group_id=group,
                author_id=leader,
                title="T",
                pinned=False,
                locked=False,
                created_at=at,
                last_activity_at=at,
                reply_count=0,
                idempotency_key="t-key",
            )
            post = _insert(
                conn,
                "group_posts",
                thread_id=thread,
                author_id=leader,
                body="B",
                body_html="<p>B</p>",
                idempotency_key="p-key",
                created_at=at,
            )
            _insert(
                conn, "group_thread_reads", user_id=leader, thread_id=thread, last_read_post_id=post
            )
            _insert(
                conn,
                "group_post_reports",
                post_id=post,
                reporter_id=leader,
                group_id=group,
                reason="R",
                created_at=at,
            )
            _insert(
                conn,
                "studio_form_keys",
                key="s" * 32,
                user_id=leader,
                kind="course",
                row_id=7,
                created_at=at,
            )
        before = _counts(set(GROUP_RECORDS) - {"form_keys"})

        upgrade(revision="0022_one_form_key_scheme")
        assert _counts(GROUP_RECORDS) == {**before, "form_keys": 1}
        with db.engine.connect() as conn:
            moved = conn.execute(text("SELECT person_id, action, row_id FROM form_keys")).one()
            assert tuple(moved) == (leader, "studio.add_course", 7)

        downgrade(revision="0021_practices")
        assert _counts(set(GROUP_RECORDS) - {"form_keys"}) == before
        assert _counts(["studio_form_keys", "form_keys"]) == {"studio_form_keys": 1, "form_keys": 0}
