"""No GET writes a row (issue 25): every GET route of the app, as each demo person and as
nobody, on the demo programme's data; any INSERT, UPDATE or DELETE the request executes
fails the test, naming the route and the statement.

A GET that must write is listed in ``ALLOWED`` with its reason; prefer making it a POST or
moving the write to where the state changes (a finished video reaches its lesson in the
transcode job, not when its author opens the page).
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.db import utcnow
from app.demo import DEMO_PASSWORD, DEMO_PEOPLE
from app.extensions import db
from app.media.models import MediaAsset
from app.studio.models import Upload, UploadStatus

#: (endpoint, table) → why that GET may write that table ("*": any GET). None may: a read
#: marker, a lesson opened, a notification opened are POSTs the page sends; data use is
#: counted in memory and written by each process outside any request. Keep it empty.
ALLOWED: dict[tuple[str, str], str] = {}

WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)

#: URL parameter name → (table, column) whose first row fills it.
FIRST_ROW = {
    "answer_id": ("review_answers", "id"),
    "asset_id": ("media_assets", "id"),
    "batch_id": ("import_batches", "id"),
    "check_in_id": ("coaching_check_ins", "id"),
    "cohort_id": ("cohorts", "id"),
    "competency_id": ("competencies", "id"),
    "course_id": ("courses", "id"),
    "domain_id": ("framework_domains", "id"),
    "framework_id": ("frameworks", "id"),
    "group_id": ("groups", "id"),
    "leader_id": ("coaching_pairings", "leader_id"),
    "lesson_id": ("lessons", "id"),
    "level_id": ("framework_levels", "id"),
    "notification_id": ("notifications", "id"),
    "post_id": ("group_posts", "id"),
    "practice_id": ("practices", "id"),
    "photo_id": ("practice_photos", "id"),
    "programme_id": ("programmes", "id"),
    "thread_id": ("group_threads", "id"),
    "user_id": ("users", "id"),
    "course_slug": ("courses", "slug"),
    "lesson_slug": ("lessons", "slug"),
    "upload_id": ("studio_uploads", "id"),
}
OTHER = {"file_format": "csv"}


def _first(table: str, column: str):
    return db.session.execute(db.text(f"SELECT {column} FROM {table} ORDER BY id")).scalar()


def _url_values(rule) -> dict:
    values = {}
    for name in rule.arguments - set(rule.defaults or {}):
        if name in FIRST_ROW:
            values[name] = _first(*FIRST_ROW[name]) or 1
        else:
            values[name] = OTHER.get(name, "x")
    return values


def _get_rules(app) -> list:
    return sorted(
        (r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"),
        key=lambda r: r.rule,
    )


@contextmanager
def _writes(engine, endpoint: str, found: list[str]):
    def before(conn, cursor, statement, parameters, context, executemany):
        match = WRITE.match(statement)
        table = match and match.group(2).lower()
        if match and ("*", table) not in ALLOWED and (endpoint, table) not in ALLOWED:
            found.append(statement.split("\n")[0][:160])

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    _ready_video_not_yet_playing()


def _ready_video_not_yet_playing() -> None:
    """A finished upload whose video is ready but that its lesson does not play yet (as an
    upgrade leaves one): the studio's pages once applied it when an author looked."""
    lesson_id = _first("lessons", "id")
    asset = MediaAsset(key_prefix="walk", source_key="walk/source", status="ready")
    db.session.add(asset)
    db.session.flush()
    db.session.add(
        Upload(
            id="walk",
            owner_id=_first("users", "id"),
            lesson_id=lesson_id,
            language="en",
            length=1,
            offset=1,
            status=UploadStatus.COMPLETE,
            storage_key="walk/source",
            asset_id=asset.id,
            applied=False,
            expires_at=utcnow(),
            completed_at=utcnow(),
        )
    )
    db.session.commit()


def _sign_in(client, identifier: str) -> None:
    response = client.post("/sign-in", data={"identifier": identifier, "password": DEMO_PASSWORD})
    assert response.status_code == 303, identifier


@pytest.mark.parametrize("who", [None, *(p.identifier for p in DEMO_PEOPLE)])
def test_no_get_writes_a_row(app, demo, who):
    client = app.test_client()
    if who is not None:
        _sign_in(client, who)
    rules = _get_rules(app)
    with app.test_request_context():
        urls = {
            (rule.endpoint, rule.rule): app.url_for(rule.endpoint, **_url_values(rule))
            for rule in rules
        }
    offenders = {}
    for (endpoint, rule), url in urls.items():
        found: list[str] = []
        with _writes(db.engine, endpoint, found):
            for headers in ({}, {"HX-Request": "true"}):
                client.get(url, headers=headers)
        if found:
            offenders[f"{endpoint} {rule}"] = found
    assert not offenders, offenders
