"""The published content's version (``app/published.py``): every write of a watched row
changes it in its own transaction, nothing else does, and what a process keeps under it is
plain data that no rolled-back write can leave behind."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select, update

from app import published
from app.extensions import db
from app.learning import catalogue
from app.learning.models import Course, Lesson
from tests.learning.conftest import count_queries, framework, make_course  # noqa: F401


def _version():
    return db.session.scalar(select(published.PublishedVersion.version))


def test_writing_published_content_changes_the_version_and_nothing_else_does(
    app,
    make_course,  # noqa: F811
    make_user,
):
    make_course("one", lessons=1)
    before = _version()
    assert before is not None
    make_user("leader")  # people are not published content
    assert _version() == before
    lesson = db.session.scalar(select(Lesson))
    lesson.title = "Renamed"
    db.session.commit()
    renamed = _version()
    assert renamed != before
    db.session.execute(update(Course).values(summary="Bulk"))  # a bulk statement too
    db.session.commit()
    assert _version() not in (before, renamed)


def test_a_rolled_back_write_leaves_nothing_kept(app, make_course):  # noqa: F811
    """A process may read its own uncommitted write (and keep it under the version that
    write drew); after a rollback that version is gone and never drawn again."""
    make_course("one", lessons=1)
    with app.test_request_context():
        assert catalogue.current().by_id  # kept under the committed version
        lesson = db.session.scalar(select(Lesson))
        lesson.title = "Never committed"
        db.session.flush()
        assert catalogue.current().courses[0].id == lesson.course_id
        assert [entry.title for entry in catalogue.current().by_id.values()] == ["Never committed"]
        db.session.rollback()
    with app.test_request_context():
        assert [entry.title for entry in catalogue.current().by_id.values()] == ["Lesson 1"]


def test_kept_content_is_plain_immutable_data(app, make_course):  # noqa: F811
    make_course("one", lessons=1)
    with app.test_request_context():
        kept = catalogue.current()
        assert catalogue.current() is kept  # the same version: the same objects
        entry = next(iter(kept.by_id.values()))
        detail = catalogue.lesson_detail(entry)
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.title = "x"
    with pytest.raises(TypeError):
        detail.questions[0].translations["fr"] = {}  # type: ignore[index]
    with pytest.raises(TypeError):
        kept.by_id[0] = entry  # type: ignore[index]
    seen = [entry, detail, *detail.questions, *detail.competencies, entry.course, entry.module]
    assert not any(isinstance(item, db.Model) for item in seen)
    assert isinstance(detail.questions[0].choices, tuple)


def test_a_signed_in_request_reads_the_version_with_the_person(
    client,
    login,
    make_user,
    make_course,  # noqa: F811
    count_queries,  # noqa: F811
):
    login(make_user("leader"))
    make_course("one", lessons=1)
    client.get("/learn/")
    with count_queries() as counter:
        assert client.get("/learn/").status_code == 200
    own = [sql for sql in counter.statements if sql.lstrip().startswith("SELECT published_version")]
    assert own == [], counter.statements
    assert "FROM published_version" in counter.statements[0]  # inside the person's load


def test_before_anything_is_published_nothing_is_kept(app):
    """No version yet (a database nothing was ever published to): read every time."""
    db.session.execute(published.PublishedVersion.__table__.delete())
    db.session.commit()
    with app.test_request_context():
        assert published.current_version() is None
        built = []
        published.cached("k", lambda: built.append(1))
        published.cached("k", lambda: built.append(1))
    assert built == [1, 1]
