"""Double taps on a slow link: the same post, thread or "Discuss this lesson" sent several
times at the same moment to a real threaded server stores one row, and every tap gets its
ordinary answer (see tests/learning/test_double_taps.py for the method)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from app.extensions import db
from app.groups.models import Post, Thread, ThreadRead
from app.learning.models import Lesson
from app.notifications.models import Notification
from tests.phones import HX, ROUNDS, TAPS, Phone

pytestmark = pytest.mark.usefixtures("live_server")


def _count(model, **where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


@pytest.fixture
def amani_phone(live_server, circle):
    return Phone(live_server, circle.amani)


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_a_reply_sent_at_once_is_one_post(amani_phone, circle, thread, headers):
    expected = 200 if headers else 303
    for n in range(ROUNDS):
        fields = {"body": f"Round {n}: we tried it.", "key": f"reply-key-{n:04d}-{len(headers)}"}
        url = f"/groups/threads/{thread.id}/posts"
        assert amani_phone.together("POST", url, fields, headers) == [expected] * TAPS
        assert _count(Post, body=fields["body"]) == 1
    db.session.rollback()
    assert db.session.get(Thread, thread.id).reply_count == ROUNDS
    assert _count(Notification, user_id=circle.grace.id) == ROUNDS


def test_a_new_thread_sent_at_once_is_one_thread(amani_phone, circle):
    for n in range(ROUNDS):
        fields = {"title": f"Question {n}", "body": "How?", "key": f"thread-key-{n:06d}"}
        url = f"/groups/{circle.group.id}/threads/new"
        assert amani_phone.together("POST", url, fields) == [303] * TAPS
        assert _count(Thread, title=f"Question {n}") == 1
        assert _count(Post, body="How?") == n + 1


def test_discuss_this_lesson_tapped_at_once_opens_one_thread(amani_phone, circle, make_course):
    make_course("taps", lessons=1)
    lesson = db.session.scalar(select(Lesson))
    for _round in range(ROUNDS):
        db.session.rollback()
        db.session.execute(delete(ThreadRead))
        db.session.execute(delete(Thread))
        db.session.commit()
        url = f"/groups/lessons/{lesson.id}/discussion"
        assert amani_phone.together("POST", url) == [303] * TAPS
        assert _count(Thread, lesson_id=lesson.id) == 1


def test_hiding_a_post_tapped_at_once_is_logged_once(live_server, circle, thread):
    from app.groups.models import ModerationEntry

    coach_phone = Phone(live_server, circle.coach)
    post_id = thread.first_post_id
    for _round in range(ROUNDS):
        db.session.rollback()
        db.session.execute(delete(ModerationEntry))
        db.session.execute(update(Post).values(hidden_at=None))
        db.session.commit()
        assert coach_phone.together("POST", f"/groups/posts/{post_id}/hide") == [303] * TAPS
        assert _count(ModerationEntry, post_id=post_id) == 1
