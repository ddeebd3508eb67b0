"""Check-in times on each person's own clock (page and .ics), and reminders sent once each,
with the clock injected."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from app.coaching import services
from app.coaching.models import CheckIn
from app.extensions import db
from app.forms import new_form_key
from app.groups.services.digest import _message
from app.notifications.models import Notification
from app.notifications.services import notify


def test_a_check_in_booked_in_nairobi_shows_kuala_lumpur_time(client, login, make_user):
    coach = make_user("coach", timezone="Africa/Nairobi")
    leader = make_user("leader", timezone="Asia/Kuala_Lumpur")
    services.pair(coach, leader)
    login(coach)
    response = client.post(
        f"/coaching/leaders/{leader.id}/check-ins/new",
        data={"day": "2030-03-04", "at": "09:30", "mode": "video", "key": new_form_key()},
    )
    assert response.status_code == 303
    check_in = db.session.scalars(select(CheckIn)).one()
    # 09:30 in Nairobi (UTC+3) is 06:30 UTC, 14:30 in Kuala Lumpur (UTC+8).
    assert check_in.starts_at == datetime(2030, 3, 4, 6, 30, tzinfo=UTC)
    coach_page = client.get(f"/coaching/check-ins/{check_in.id}").get_data(as_text=True)
    assert "09:30 (Africa/Nairobi)" in coach_page
    client.post("/sign-out")

    login(leader)
    page = client.get(f"/coaching/check-ins/{check_in.id}").get_data(as_text=True)
    assert "Mon 4 Mar 2030, 14:30 (Asia/Kuala_Lumpur)" in page
    ics = client.get(f"/coaching/check-ins/{check_in.id}/check-in.ics")
    assert ics.mimetype == "text/calendar"
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (14, 30, "Asia/Kuala_Lumpur")
    assert start == datetime(2030, 3, 4, 6, 30, tzinfo=UTC)
    assert b"BEGIN:VTIMEZONE" in ics.data and b"TZID:Asia/Kuala_Lumpur" in ics.data


def _notifications(**where) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).filter_by(**where)))


def test_reminders_are_sent_once_each_at_the_right_time(coach, leader, pair):
    starts = datetime(2030, 3, 4, 6, 30, tzinfo=UTC)
    check_in = services.schedule_check_in(
        coach, leader, day=date(2030, 3, 4), at=time(9, 30), mode="call", key=new_form_key()
    )
    assert check_in.starts_at == starts
    services.add_action(
        check_in, title="Observe P3", owner="leader", due_on=date(2030, 3, 10), key=new_form_key()
    )
    services.add_action(
        check_in, title="Send scripts", owner="coach", due_on=date(2030, 3, 10), key=new_form_key()
    )

    # Three days before: nothing yet.
    assert services.send_reminders(starts - timedelta(days=3)).total == 0
    # Forty hours before: the leader has not prepared.
    sent = services.send_reminders(starts - timedelta(hours=40))
    assert (sent.check_ins_soon, sent.preparations, sent.overdue_actions) == (0, 1, 0)
    # Twenty hours before: both are told it is coming; the preparation reminder is not repeated.
    services.send_reminders(starts - timedelta(hours=20))
    services.send_reminders(starts - timedelta(hours=19))
    assert len(_notifications(user_id=leader.id, kind="coaching.check_in_soon")) == 1
    assert len(_notifications(user_id=coach.id, kind="coaching.check_in_soon")) == 1
    assert len(_notifications(user_id=leader.id, kind="coaching.prepare")) == 1
    [soon] = _notifications(user_id=leader.id, kind="coaching.check_in_soon")
    assert soon.params["when"] == "2030-03-04T06:30:00+00:00"  # worded when read
    assert soon.url == f"/coaching/check-ins/{check_in.id}"
    # After the due date, each owner hears of their own overdue action, once.
    services.send_reminders(datetime(2030, 3, 11, 8, tzinfo=UTC))
    services.send_reminders(datetime(2030, 3, 12, 8, tzinfo=UTC))
    assert [
        n.params["title"] for n in _notifications(user_id=leader.id, kind="coaching.action_overdue")
    ] == ["Observe P3"]
    assert [
        n.params["title"] for n in _notifications(user_id=coach.id, kind="coaching.action_overdue")
    ] == ["Send scripts"]
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 5


def test_overdue_actions_are_told_in_slices_and_a_run_with_none_new_reads_once(
    coach, leader, pair, count_queries, monkeypatch
):
    """A country's year of open actions past their date: only those not told yet are read,
    a slice at a time, each slice told in one insert; once all are told, a run (every 15
    minutes) is one statement for them, where each action was a statement apiece."""
    monkeypatch.setattr("app.coaching.services.reminders.SLICE", 2)
    check_in = services.schedule_check_in(
        coach, leader, day=date(2030, 3, 4), at=time(9, 30), mode="call", key=new_form_key()
    )
    for n in range(5):
        services.add_action(
            check_in,
            title=f"Action {n}",
            owner="leader" if n % 2 else "coach",
            due_on=date(2030, 3, 10),
            key=new_form_key(),
        )
    after = datetime(2030, 3, 11, 8, tzinfo=UTC)
    with count_queries() as first:
        assert services.send_reminders(after).overdue_actions == 5
    overdue = [s for s in first.statements if "coaching_actions" in s]
    assert len(overdue) == 3  # three slices: two, two, and the last one
    assert sum(s.lstrip().upper().startswith("INSERT") for s in first.statements) == 3
    with count_queries() as again:
        assert services.send_reminders(after + timedelta(hours=1)).overdue_actions == 0
    assert len([s for s in again.statements if "coaching_actions" in s]) == 1
    assert not [s for s in again.statements if s.lstrip().upper().startswith("INSERT")]
    titles = {
        (n.user_id, n.params["title"]) for n in _notifications(kind="coaching.action_overdue")
    }
    assert titles == {
        (coach.id, "Action 0"),
        (leader.id, "Action 1"),
        (coach.id, "Action 2"),
        (leader.id, "Action 3"),
        (coach.id, "Action 4"),
    }


def test_a_reminder_reads_in_its_readers_language_and_on_their_clock(
    client, login, coach, leader, pair
):
    """The check-in's time is written when the reminder is read: in Swahili on a phone in
    Kuala Lumpur, in French in the e-mail digest of a reader in Kigali."""
    check_in = services.schedule_check_in(
        coach, leader, day=date(2030, 3, 4), at=time(9, 30), mode="call", key=new_form_key()
    )
    services.send_reminders(check_in.starts_at - timedelta(hours=20))
    leader.locale, leader.timezone = "sw", "Asia/Kuala_Lumpur"
    coach.locale, coach.timezone, coach.email = "fr", "Africa/Kigali", "coach@example.org"
    db.session.commit()
    login(leader)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Kikao chako cha ukocha ni Jumatatu 4 Mac 2030, 14:30 (Asia/Kuala_Lumpur)." in page

    [soon] = _notifications(user_id=coach.id, kind="coaching.check_in_soon")
    message = _message(coach, [soon], "headway@example.org")
    body = message.get_body().get_content()
    assert "Votre rendez-vous de coaching est le lun. 4 mars 2030, 08:30 (Africa/Kigali)." in body
    assert message["Subject"] == "Headway : 1 nouvelle notification"


def test_a_reminder_worded_before_moments_were_kept_reads_as_it_was(client, login, leader):
    """Reminders sent before this change hold their time as text: shown as they are."""
    notify(
        leader.id,
        "coaching.check_in_soon",
        url="/coaching/",
        when="2030-03-04 09:30 (Africa/Nairobi)",
    )
    db.session.commit()
    login(leader)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Your coaching check-in is on 2030-03-04 09:30 (Africa/Nairobi)." in page


def test_a_prepared_or_held_check_in_needs_no_reminder(coach, leader, pair):
    check_in = services.schedule_check_in(
        coach, leader, day=date(2030, 3, 4), at=time(9, 30), mode="call", key=new_form_key()
    )
    services.save_preparation(check_in, tried="a", happened="b", help_needed="c")
    assert services.send_reminders(check_in.starts_at - timedelta(hours=30)).preparations == 0
    services.save_notes(check_in, shared="held early", private="")
    assert services.send_reminders(check_in.starts_at - timedelta(hours=2)).total == 0


def test_the_remind_command_and_the_periodic_task(app, runner, coach, leader, pair):
    check_in = services.schedule_check_in(
        coach, leader, day=date(2030, 3, 4), at=time(9, 30), mode="call", key=new_form_key()
    )
    result = runner.invoke(args=["coaching", "remind", "--now", "2030-03-03 12:00"])
    assert result.exit_code == 0, result.output
    assert "Reminders sent: 2 check-in, 1 preparation, 0 overdue action." in result.output
    runner.invoke(args=["coaching", "remind", "--now", "2030-03-03 12:00"])
    assert len(_notifications()) == 3
    task = app.extensions["jobs"].jobs["coaching.remind"]
    assert task.name == "coaching.remind"
    # The queue's consumers (periodic=True) enqueue it every 15 minutes.
    huey = app.extensions["jobs"].huey
    due = [t.name for t in huey.read_periodic(datetime(2030, 3, 3, 12, 15))]
    assert "coaching.remind" in due
    assert "coaching.remind" not in [
        t.name for t in huey.read_periodic(datetime(2030, 3, 3, 12, 7))
    ]
    task.call_local()  # now (2026 or later) is past the check-in: nothing more, no error
    assert len(_notifications()) == 3
    assert {n.url for n in _notifications()} == {f"/coaching/check-ins/{check_in.id}"}


def test_pairing_commands(runner, coach, leader):
    result = runner.invoke(args=["coaching", "pair", coach.email, leader.email])
    assert result.exit_code == 0 and "coaches" in result.output
    assert "→" in runner.invoke(args=["coaching", "list"]).output
    result = runner.invoke(args=["coaching", "pair", leader.email, coach.email])
    assert result.exit_code != 0 and "is not a coach" in result.output
    result = runner.invoke(args=["coaching", "pair", coach.email, "nobody@example.org"])
    assert result.exit_code != 0 and "No account" in result.output
    assert "has no coach now" in runner.invoke(args=["coaching", "unpair", leader.email]).output
