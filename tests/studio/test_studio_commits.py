"""Who commits in the studio (issue 25): publishing commits once, with the course's figures;
the building blocks it composes run under a session that cannot commit."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.learning.models import Course, Lesson
from app.studio import services
from app.studio.services import _common


@pytest.fixture
def commits():
    counted = []

    def count(session):
        counted.append(1)

    event.listen(Session, "after_commit", count)
    yield counted
    event.remove(Session, "after_commit", count)


def test_publishing_a_lesson_commits_once(app, studio_course, commits):
    course = studio_course()
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    commits.clear()
    services.publish_lesson(lesson)
    assert len(commits) == 1
    commits.clear()
    services.publish_course(db.session.get(Course, course.id))
    assert len(commits) == 1
    assert db.session.get(Course, course.id).lesson_count == 1


def test_the_studio_building_blocks_run_under_a_session_that_cannot_commit(
    app, studio_course, monkeypatch
):
    course = studio_course()

    def refuse():
        raise AssertionError("a building block committed")

    monkeypatch.setattr(db.session, "commit", refuse)
    _common.renumber(course)
    _common.refresh_course_figures(course)
    monkeypatch.undo()
    db.session.rollback()
