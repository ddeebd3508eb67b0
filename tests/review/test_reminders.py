"""The daily reminder: at the leader's hour on their clock, only when something is due,
once a day, never to those who turned it off; the periodic job is declared."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.notifications.models import Notification
from app.review import services
from tests.groups.test_groups_photos_and_digest import smtp_server  # noqa: F401
from tests.review.conftest import T0


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
