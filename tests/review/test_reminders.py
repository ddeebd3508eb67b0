"""The daily reminder: at the leader's hour on their clock, only when something is left to
review, once a day, never to those who turned it off; withdrawn, unread, once nothing is
left (the day's review done, or nothing due any more), so neither the badge nor the digest
carries it; the periodic job is declared."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.learning.models import QuickCheckQuestion
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.review import services
from tests.groups.test_groups_photos_and_digest import smtp_server  # noqa: F401
from tests.review.conftest import T0

DAY = T0 + timedelta(days=3)  # a day with both questions of a lesson learned at T0 due
AT_18 = datetime(DAY.year, DAY.month, DAY.day, 18, 0, tzinfo=UTC)  # the default hour, UTC


@pytest.fixture
def clock(monkeypatch):
    """The review's clock (what the digest's withdrawal reads): ``clock.now = …``."""

    class Clock:
        now = AT_18

    monkeypatch.setattr("app.review.services._common.utcnow", lambda: Clock.now)
    return Clock


def _review(leader, now, *, how_many=10):
    """``leader`` answers up to ``how_many`` of the questions due at ``now``, right."""
    due = services.due_questions(leader, now, "en", limit=how_many)
    for q in due:
        key = f"{leader.id:08d}-{now:%d%H%M}-key-{q.question.id:08d}"
        services.record_answer(leader, q.question.id, q.question.answer, key, now=now)
    return len(due)


def _told(user) -> list[Notification]:
    return db.session.scalars(
        select(Notification).where(
            Notification.user_id == user.id, Notification.kind == "review.due"
        )
    ).all()


def test_reminded_at_their_hour_on_their_clock_once_a_day(make_user, learned):
    nairobi = make_user("leader", timezone="Africa/Nairobi")  # UTC+3
    learned(nairobi, lessons=1)
    day = T0 + timedelta(days=3)
    at_18_nairobi = datetime(day.year, day.month, day.day, 15, 5, tzinfo=UTC)
    assert services.send_reminders(at_18_nairobi - timedelta(hours=1)).leaders == 0
    assert services.send_reminders(at_18_nairobi).leaders == 1
    services.send_reminders(at_18_nairobi + timedelta(minutes=15))  # the next run, same hour
    told = _told(nairobi)
    assert len(told) == 1 and told[0].url == "/learn/review/"


def test_nothing_sent_when_nothing_is_due(make_user, learned):
    leader = make_user("leader")
    learned(leader, lessons=1, at=T0)
    at_18 = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # the same day: nothing due yet
    assert services.send_reminders(at_18).leaders == 0
    assert _told(leader) == []


def test_their_own_hour_or_none(make_user, learned):
    early, off = make_user("leader"), make_user("leader")
    for leader in (early, off):
        learned(leader, lessons=1)
    services.save_choices(early, 5, 7)
    services.save_choices(off, 5, None)
    day = T0 + timedelta(days=3)
    for hour in range(24):
        services.send_reminders(datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC))
    assert len(_told(early)) == 1 and _told(off) == []


def test_coaches_are_not_reminded(make_user):
    coach = make_user("coach")
    day = T0 + timedelta(days=3)
    for hour in range(24):
        services.send_reminders(datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC))
    assert _told(coach) == []


def test_the_job_runs_every_15_minutes(app):
    huey = app.extensions["jobs"].huey
    assert "review.remind" in [t.name for t in huey.read_periodic(datetime(2030, 3, 3, 12, 15))]
    assert "review.remind" not in [t.name for t in huey.read_periodic(datetime(2030, 3, 3, 12, 7))]
    app.extensions["jobs"].jobs["review.remind"].call_local()  # runs, on the real clock


def test_the_reminder_is_folded_into_the_e_mail_digest(
    app,
    clock,
    make_user,
    learned,
    smtp_server,  # noqa: F811  (the fixture imported above)
):
    """The reminder is a notification, and the daily digest sends every notification its
    reader has neither read nor been sent: an unread reminder goes out in the digest, in the
    leader's language, once; one read in the app does not."""
    from app.groups.services.digest import send_digests

    nairobi = {"timezone": "Africa/Nairobi"}
    reader = make_user("leader", locale="fr", **nairobi)
    opened = make_user("leader", **nairobi)
    for leader in (reader, opened):
        learned(leader, lessons=1)
    at_18 = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)  # 18:00 in Nairobi
    clock.now = at_18 + timedelta(hours=1)  # the digest's run: still due, still sent
    assert services.send_reminders(at_18).leaders == 2
    _told(opened)[0].read_at = at_18
    db.session.commit()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    try:
        assert send_digests().sent == [reader.email]
        assert send_digests().sent == []  # sent once
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)  # the defaults again
    message = smtp_server.messages[0].content.decode("utf-8", "replace")
    assert "/learn/review/" in message and "vision" in message  # "Révision…", quoted-printable


def test_not_reminded_once_the_days_review_is_done(make_user, learned):
    """Nothing left: all that was due answered (two of five), or the day's number answered
    with more still due (three of four); the leader who has not reviewed is reminded."""
    all_done, days_number, not_yet = make_user("leader"), make_user("leader"), make_user("leader")
    learned(all_done, lessons=1)
    learned(days_number, lessons=2)
    learned(not_yet, lessons=1)
    services.save_choices(days_number, 3, 18)
    morning = AT_18 - timedelta(hours=9)
    assert _review(all_done, morning) == 2
    assert _review(days_number, morning, how_many=3) == 3
    assert services.counts(days_number, AT_18).due == 1
    assert services.send_reminders(AT_18).leaders == 1
    assert [_told(p) != [] for p in (all_done, days_number, not_yet)] == [False, False, True]


def test_an_unread_reminder_goes_once_the_days_review_is_done(app, make_user, learned):
    """The badge stops counting it as soon as the review is done; half done, it stays."""
    leader = make_user("leader")
    learned(leader, lessons=1)
    assert services.send_reminders(AT_18).leaders == 1
    evening = AT_18 + timedelta(minutes=30)
    assert _review(leader, evening, how_many=1) == 1  # one of two: something is left
    assert len(_told(leader)) == 1
    assert _review(leader, evening) == 1
    assert _told(leader) == []
    with app.test_request_context():
        assert notifications.unread_count(leader) == 0
    services.send_reminders(AT_18 + timedelta(minutes=45))  # the hour's last run: not again
    assert _told(leader) == []


def test_the_digest_carries_no_reminder_once_nothing_is_left(
    app,
    clock,
    make_user,
    learned,
    smtp_server,  # noqa: F811  (the fixture imported above)
):
    """Between the reminder and the digest: one leader did the day's review (withdrawn at
    once), the author took another's questions out of the review (nothing due any more:
    withdrawn by the digest's run); the third still has something due and is sent it.
    A reminder already read is left alone."""
    from app.groups.services.digest import send_digests

    done, taken_out, due, read = (make_user("leader") for _ in range(4))
    lessons = {p.id: learned(p, lessons=1)[0] for p in (done, taken_out, due, read)}
    assert services.send_reminders(AT_18).leaders == 4
    _told(read)[0].read_at = AT_18
    db.session.commit()
    clock.now = AT_18 + timedelta(hours=1)
    _review(done, clock.now)
    assert _told(done) == []
    for question in db.session.scalars(
        select(QuickCheckQuestion).where(QuickCheckQuestion.lesson_id == lessons[taken_out.id].id)
    ):
        question.in_review = False
    db.session.commit()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    try:
        assert send_digests().sent == [due.email]
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)  # the defaults again
    db.session.expire_all()
    assert _told(taken_out) == [] and len(_told(due)) == 1 and len(_told(read)) == 1
