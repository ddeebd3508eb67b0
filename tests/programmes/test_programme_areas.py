"""Groups and coaching in a programme's evidence and in a person's data: reports count
posts, check-ins and actions; erasure keeps others' discussions ("a former member") and
removes a leader's coaching record; pairings are in the audit log."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.audit import AuditEntry
from app.coaching import services as coaching
from app.coaching.models import CheckIn, ImprovementPriority, PrivateNote
from app.db import utcnow
from app.extensions import db
from app.groups import services as groups
from app.groups.models import GroupMember, Post
from app.programmes import services
from app.programmes.services.reports import Scope, build_report
from tests.conftest import sign_in

NAME = "Zawadi Kamau"


def test_reports_count_posts_check_ins_and_actions(make_user, enrol, cohort, programme, admin):
    leaders = [make_user("leader") for _ in range(5)]
    coach = make_user("coach")
    group = groups.create_group("Cluster")
    for n, leader in enumerate(leaders):
        enrol(leader)
        groups.add_member(group, leader)
        groups.start_thread(group, leader, f"Thread {n}", "Words", f"t{n}")
    coaching.pair(coach, leaders[0], by=admin)
    report = build_report(Scope(programme, cohort))
    keys = [key for key, _ in report.columns]
    for key in ("posts_written", "check_ins_planned", "check_ins_held", "actions_done"):
        assert key in keys, keys
    assert report.totals["posts_written"] == 5


def test_erasure_keeps_the_discussion_and_removes_the_coaching_record(
    client, make_user, enrol, cohort, admin
):
    person = make_user("leader", name=NAME)
    other = make_user("leader", name="Grace Wanjiru")
    coach = make_user("coach", name="Joseph Otieno")
    enrol(person)
    group = groups.create_group("Cluster")
    for member in (person, other):
        groups.add_member(group, member)
    thread = groups.start_thread(group, person, "Reading before assembly", "It works", "t1")
    coaching.pair(coach, person, by=admin)
    db.session.add(
        ImprovementPriority(leader_id=person.id, title="Reading", why="Because", status="active")
    )
    db.session.add(
        CheckIn(
            coach_id=coach.id,
            leader_id=person.id,
            starts_at=utcnow(),
            mode="call",
            notes="Shared",
        )
    )
    db.session.flush()
    check_in = db.session.scalar(select(CheckIn))
    db.session.add(PrivateNote(check_in_id=check_in.id, body="Private"))
    db.session.commit()

    request = services.request_erasure(person)
    services.complete_erasure(request, by=admin)

    assert db.session.scalar(select(func.count()).select_from(Post)) == 1  # the post stays
    assert db.session.scalars(select(GroupMember.user_id)).all() == [other.id]
    for model in (CheckIn, ImprovementPriority, PrivateNote):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model
    sign_in(client, other)
    page = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    assert "a former member" in page and "It works" in page and NAME not in page
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("pairing") == 1 and "erasure" in actions


def test_erasure_reaches_the_reminders_that_named_the_coach(make_user, admin):
    """A reminder to prepare names the leader's coach: once the coach is erased it reads "a
    former member"."""
    from app.coaching.services.reminders import send_reminders
    from app.notifications import services as notifications
    from app.notifications.models import Notification

    coach, leader = make_user("coach", name=NAME), make_user("leader", name="Grace Wanjiru")
    coaching.pair(coach, leader, by=admin)
    db.session.add(
        CheckIn(
            coach_id=coach.id,
            leader_id=leader.id,
            starts_at=utcnow() + timedelta(hours=30),
            mode="call",
        )
    )
    db.session.commit()
    send_reminders()
    told = db.session.scalar(select(Notification).where(Notification.kind == "coaching.prepare"))
    assert NAME in notifications.text(told)

    services.complete_erasure(services.request_erasure(coach), by=admin)

    db.session.expire_all()
    told = db.session.get(Notification, told.id)
    assert NAME not in str(told.params) and "a former member" in notifications.text(told)


def test_pairing_twice_is_one_audit_entry(make_user, admin):
    coach, leader = make_user("coach"), make_user("leader")
    coaching.pair(coach, leader, by=admin)
    coaching.pair(coach, leader, by=admin)  # a double tap
    coaching.unpair(leader, by=admin)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["pairing", "unpairing"]


def test_erasure_reaches_the_notifications_that_named_the_person(client, make_user, enrol, admin):
    """Mentions and replies told to others named the author: after erasure they read "a
    former member", on the page and in the digest's words alike."""
    from app.notifications import services as notifications
    from app.notifications.models import Notification

    person = make_user("leader", name=NAME)
    other = make_user("leader", name="Grace Wanjiru")
    enrol(person)
    group = groups.create_group("Cluster")
    for member in (person, other):
        groups.add_member(group, member)
    thread = groups.start_thread(group, other, "Timetables", "How?", "t1")
    membership = groups.membership_of(person, group.id)
    groups.reply(thread, membership, person, "Like this, @Grace", "r1")  # a mention
    groups.reply(thread, membership, person, "And this", "r2")  # a reply to Grace's thread
    told = db.session.scalars(select(Notification).where(Notification.user_id == other.id)).all()
    assert len(told) == 2 and all(NAME in notifications.text(n) for n in told)

    services.complete_erasure(services.request_erasure(person), by=admin)

    db.session.expire_all()
    told = db.session.scalars(select(Notification).where(Notification.user_id == other.id)).all()
    assert len(told) == 2
    assert all(NAME not in str(n.params) for n in told)
    assert all(notifications.text(n).startswith("a former member ") for n in told)
    sign_in(client, other)
    page = client.get("/notifications/").get_data(as_text=True)
    assert NAME not in page and "a former member mentioned you" in page
