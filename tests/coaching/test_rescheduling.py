"""Moving and cancelling a check-in, by either side: the rules (in the service), who is told
and in which words, the reminders that follow the new time, and what a cancelled check-in
no longer counts as: a "not recorded" flag on the dashboard, or a check-in planned (and so
missed) in the programme's reports. The clock is injected."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from app import registry
from app.coaching import services
from app.coaching.models import CheckIn
from app.extensions import db
from app.forms import new_form_key
from app.i18n import reader
from app.notifications import services as notifications
from app.notifications.models import Notification

NOW = datetime(2030, 3, 1, 8, 0, tzinfo=UTC)


def _told(user) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.kind.like("coaching.check_in_%"))
            .order_by(Notification.id)
        )
    )


def test_the_coach_moves_a_check_in_on_their_own_clock_and_the_leader_is_told_on_theirs(
    app, make_user, coach, check_in
):
    leader = check_in.leader
    leader.timezone = "Asia/Kuala_Lumpur"
    db.session.commit()
    assert check_in.sequence == 0

    moved = services.reschedule_check_in(
        check_in, coach, day=date(2030, 3, 6), at=time(14, 0), now=NOW
    )

    assert moved is True
    # 14:00 in Nairobi (UTC+3) is 11:00 UTC, 19:00 in Kuala Lumpur (UTC+8).
    assert check_in.starts_at == datetime(2030, 3, 6, 11, 0, tzinfo=UTC)
    assert (check_in.sequence, check_in.changed_at, check_in.changed_by_id) == (1, NOW, coach.id)
    [told] = _told(leader)
    assert told.kind == "coaching.check_in_moved"
    # The moment is kept, and written when read: on the leader's clock in Kuala Lumpur.
    assert told.params == {"name": "Joseph Coach", "when": "2030-03-06T11:00:00+00:00"}
    with app.test_request_context(), reader("en", leader.timezone):
        assert notifications.text(told) == (
            "Joseph Coach moved your check-in to Wed 6 Mar 2030, 19:00 (Asia/Kuala_Lumpur)."
        )
    assert told.url == f"/coaching/check-ins/{check_in.id}"
    assert _told(coach) == []


def test_moving_it_again_to_the_same_time_changes_nothing(coach, leader, check_in):
    for _ in range(3):
        services.reschedule_check_in(check_in, coach, day=date(2030, 3, 6), at=time(14), now=NOW)
    assert check_in.sequence == 1 and len(_told(leader)) == 1
    # Where it already is: nothing moves, nobody is told.
    assert not services.reschedule_check_in(check_in, leader, day=date(2030, 3, 6), at=time(14))
    assert check_in.sequence == 1 and _told(coach) == []


def test_the_leader_moves_it_on_their_clock_and_their_coach_is_told(make_user, coach, check_in):
    leader = check_in.leader
    leader.timezone = "Asia/Kuala_Lumpur"
    db.session.commit()
    assert services.reschedule_check_in(check_in, leader, day=date(2030, 3, 5), at=time(16, 30))
    # 16:30 in Kuala Lumpur is 08:30 UTC, 11:30 in Nairobi.
    assert check_in.starts_at == datetime(2030, 3, 5, 8, 30, tzinfo=UTC)
    [told] = _told(coach)
    assert told.params == {"name": "Grace Leader", "when": "2030-03-05T08:30:00+00:00"}
    assert check_in.changed_by_id == leader.id


def test_a_leader_with_a_new_coach_tells_the_new_one(make_user, coach, leader, check_in):
    new_coach = make_user("coach", name="Neema Coach", timezone="Africa/Nairobi")
    services.pair(new_coach, leader)
    services.cancel_check_in(check_in, leader, reason="")
    assert len(_told(new_coach)) == 1 and _told(coach) == []


def test_either_side_cancels_with_a_reason_the_other_reads(coach, leader, check_in):
    assert services.cancel_check_in(check_in, leader, reason="  I am ill\nthis week. ", now=NOW)
    assert check_in.cancelled and check_in.cancelled_at == NOW
    assert (check_in.cancel_reason, check_in.sequence, check_in.changed_by_id) == (
        "I am ill this week.",
        1,
        leader.id,
    )
    [told] = _told(coach)
    assert told.kind == "coaching.check_in_cancelled_because"
    assert told.params == {
        "name": "Grace Leader",
        "when": "2030-03-04T06:30:00+00:00",
        "reason": "I am ill this week.",
    }
    # Cancelling again changes nothing: the first reason stands, nobody is told twice.
    assert not services.cancel_check_in(check_in, coach, reason="Another reason")
    assert (check_in.sequence, check_in.cancel_reason) == (1, "I am ill this week.")
    assert _told(leader) == [] and len(_told(coach)) == 1


def test_a_cancellation_without_a_reason_reads_without_one(app, coach, leader, check_in):
    services.cancel_check_in(check_in, coach)
    [told] = _told(leader)
    assert told.kind == "coaching.check_in_cancelled"
    with app.test_request_context(), reader("en", "Africa/Nairobi"):
        assert (
            notifications.text(told)
            == "Joseph Coach cancelled your check-in of Mon 4 Mar 2030, 09:30 (Africa/Nairobi)."
        )


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", "Joseph Coach moved your check-in to Wed 6 Mar 2030, 14:00 (Africa/Nairobi)."),
        (
            "fr",
            "Joseph Coach a déplacé votre rendez-vous au mer. 6 mars 2030, 14:00 (Africa/Nairobi).",
        ),
        (
            "sw",
            "Joseph Coach amehamisha kikao chako hadi Jumatano 6 Mac 2030, 14:00 (Africa/Nairobi).",
        ),
    ],
)
def test_the_leader_reads_it_in_their_language(app, coach, leader, check_in, locale, words):
    services.reschedule_check_in(check_in, coach, day=date(2030, 3, 6), at=time(14))
    [told] = _told(leader)
    with app.test_request_context(), reader(locale, leader.timezone):
        assert notifications.text(told) == words


def test_what_cannot_move_says_why(coach, leader, check_in):
    services.save_notes(check_in, shared="We met.", private="")
    with pytest.raises(services.CoachingError, match="already recorded"):
        services.reschedule_check_in(check_in, coach, day=date(2030, 3, 6), at=time(14))
    with pytest.raises(services.CoachingError, match="already recorded"):
        services.cancel_check_in(check_in, leader)
    assert check_in.sequence == 0 and not check_in.cancelled


def test_a_cancelled_check_in_stays_cancelled(coach, leader, check_in):
    services.cancel_check_in(check_in, coach)
    with pytest.raises(services.CoachingError, match="was cancelled") as refused:
        services.reschedule_check_in(check_in, leader, day=date(2030, 3, 6), at=time(14))
    assert refused.value.field is None
    for write in (
        lambda: services.save_notes(check_in, shared="x", private=""),
        lambda: services.save_preparation(check_in, tried="a", happened="b", help_needed="c"),
    ):
        with pytest.raises(services.CoachingError, match="was cancelled"):
            write()
    db.session.refresh(check_in)
    assert check_in.held_at is None and check_in.prepared_at is None and check_in.sequence == 1


def test_a_leader_nobody_coaches_can_cancel_but_not_move(coach, leader, check_in):
    services.unpair(leader)
    with pytest.raises(services.CoachingError, match="Grace Leader has no coach now"):
        services.reschedule_check_in(check_in, leader, day=date(2030, 3, 6), at=time(14))
    assert services.cancel_check_in(check_in, leader, reason="No coach any more")
    assert _told(coach) == []  # their former coach no longer sees it


@pytest.mark.parametrize("year", [1, 1999, 2101, 9999])
def test_a_mistyped_year_is_refused_when_moving_and_when_booking(coach, leader, check_in, year):
    with pytest.raises(services.CoachingError, match="Check the year") as refused:
        services.reschedule_check_in(check_in, coach, day=date(year, 1, 1), at=time(0))
    assert refused.value.field == "day"
    with pytest.raises(services.CoachingError, match="Check the year"):
        services.schedule_check_in(
            coach, leader, day=date(year, 12, 31), at=time(23), mode="call", key=new_form_key()
        )
    assert check_in.sequence == 0


def test_a_reason_too_long_is_refused(coach, check_in):
    with pytest.raises(services.CoachingError, match="under 300 characters") as refused:
        services.cancel_check_in(check_in, coach, reason="x" * 301)
    assert refused.value.field == "reason" and not check_in.cancelled


def test_reminders_follow_the_new_time_and_stop_for_a_cancelled_check_in(coach, leader, pair):
    first = services.schedule_check_in(
        coach, leader, day=date(2030, 3, 4), at=time(9, 30), mode="call", key=new_form_key()
    )
    second = services.schedule_check_in(
        coach, leader, day=date(2030, 3, 4), at=time(15), mode="visit", key=new_form_key()
    )
    # Told to prepare for both, two days before.
    assert services.send_reminders(first.starts_at - timedelta(hours=40)).preparations == 2
    services.cancel_check_in(second, leader)
    services.reschedule_check_in(first, coach, day=date(2030, 3, 11), at=time(9, 30))

    # The day before the old time: nothing (one moved a week on, the other cancelled).
    sent = services.send_reminders(datetime(2030, 3, 3, 12, tzinfo=UTC))
    assert sent.total == 0
    # Before the new time: told to prepare again, and that it is coming, at the new time.
    sent = services.send_reminders(datetime(2030, 3, 10, 12, tzinfo=UTC))
    assert (sent.check_ins_soon, sent.preparations) == (2, 1)
    soon = db.session.scalars(
        select(Notification).filter_by(user_id=leader.id, kind="coaching.check_in_soon")
    ).one()
    assert soon.params["when"] == "2030-03-11T06:30:00+00:00"
    told = db.session.scalar(select(func.count()).select_from(Notification))
    services.send_reminders(datetime(2030, 3, 10, 13, tzinfo=UTC))
    assert db.session.scalar(select(func.count()).select_from(Notification)) == told


def test_a_check_in_never_moved_keeps_its_reminder_keys(coach, leader, check_in):
    """Reminders sent before moving existed are not sent again: an unmoved check-in's keys
    are the ones they always were."""
    services.send_reminders(check_in.starts_at - timedelta(hours=20))
    keys = set(db.session.scalars(select(Notification.dedupe_key)))
    assert keys == {
        f"coaching.prepare:{check_in.id}",
        f"coaching.soon:{check_in.id}:203003040630",
    }


def test_a_cancelled_check_in_raises_no_flag_on_the_dashboard(coach, leader, check_in):
    after = check_in.starts_at + timedelta(days=2)
    [row] = services.dashboard(coach, now=after).rows
    assert "check_in_overdue" in [reason.code for reason in row.reasons]

    services.cancel_check_in(check_in, leader, reason="Ill")
    [row] = services.dashboard(coach, now=after).rows
    codes = [reason.code for reason in row.reasons]
    assert "check_in_overdue" not in codes and "no_check_in_yet" in codes
    assert row.missed_check_in is None and row.next_check_in is None


def test_the_next_check_in_is_the_new_time_not_a_cancelled_one(coach, leader, check_in):
    later = services.schedule_check_in(
        coach, leader, day=date(2030, 4, 1), at=time(9), mode="call", key=new_form_key()
    )
    services.cancel_check_in(check_in, coach)
    [row] = services.dashboard(coach, now=NOW).rows
    assert row.next_check_in == later.starts_at
    services.reschedule_check_in(later, leader, day=date(2030, 3, 20), at=time(9))
    [row] = services.dashboard(coach, now=NOW).rows
    assert row.next_check_in == datetime(2030, 3, 20, 6, tzinfo=UTC)


def test_reports_count_a_cancelled_check_in_neither_planned_nor_missed(coach, leader, check_in):
    services.schedule_check_in(
        coach, leader, day=date(2030, 4, 1), at=time(9), mode="call", key=new_form_key()
    )
    held = services.schedule_check_in(
        coach, leader, day=date(2030, 2, 1), at=time(9), mode="call", key=new_form_key()
    )
    services.save_notes(held, shared="Met", private="")
    services.cancel_check_in(check_in, leader)

    def metric(key):
        return dict(db.session.execute(registry.PERSON_METRICS[key].statement()).all())

    assert metric("check_ins_planned") == {leader.id: 2}
    assert metric("check_ins_held") == {leader.id: 1}
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 3


def test_erasing_a_person_forgets_their_name_in_what_they_moved_or_cancelled(
    make_user, coach, leader, check_in
):
    other = services.schedule_check_in(
        coach, leader, day=date(2030, 4, 1), at=time(9), mode="call", key=new_form_key()
    )
    services.reschedule_check_in(check_in, coach, day=date(2030, 3, 6), at=time(14))
    services.cancel_check_in(other, leader, reason="Ill")
    registry.PERSONAL_DATA["coaching"].erase(coach.id)
    db.session.commit()
    [to_leader] = _told(leader)
    [to_coach] = _told(coach)
    assert to_leader.params["name"] is None  # reads "a former member"
    assert to_coach.params["name"] == "Grace Leader"
    assert "a former member moved your check-in" in notifications.text(to_leader)
