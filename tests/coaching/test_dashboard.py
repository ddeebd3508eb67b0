"""The coach's dashboard: who needs attention first, why in words, and a statement count
that does not grow with the number of leaders."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from app.coaching import services
from app.db import utcnow
from app.extensions import db
from app.forms import new_form_key
from app.learning import services as learning
from app.learning.models import Lesson


def _busy_leader(make_user, coach, framework, lessons, n):
    """A leader with a priority, a held and a booked check-in, actions, lessons and answers."""
    leader = make_user("leader", name=f"Leader {n:02d}")
    services.pair(coach, leader)
    competencies = [c for d in framework.domains for c in d.competencies][:2]
    services.save_priority(
        leader,
        services.PriorityFields(
            title=f"Priority {n}", competency_ids=tuple(c.id for c in competencies)
        ),
        by=coach,
        framework_id=framework.id,
        key=new_form_key(),
    )
    past = services.schedule_check_in(
        coach, leader, day=date(2026, 1, 5), at=time(9), mode="call", key=new_form_key()
    )
    services.save_notes(past, shared="ok", private="p")
    services.add_action(
        past, title="late", owner="leader", due_on=date(2026, 1, 20), key=new_form_key()
    )
    services.schedule_check_in(
        coach, leader, day=date(2031, 1, 5), at=time(9), mode="visit", key=new_form_key()
    )
    for lesson in lessons:
        learning.complete_lesson(leader, lesson)
        for question in lesson.questions:
            learning.answer_question(leader, question, 2)
    return leader


def test_dashboard_statements_do_not_grow_with_leaders(
    client, login, coach, make_user, make_course, framework, count_queries
):
    make_course("dash", lessons=2, competencies=("LL.1", "LL.2"))
    lessons = db.session.scalars(select(Lesson)).all()
    login(coach)
    _busy_leader(make_user, coach, framework, lessons, 0)
    client.get("/coaching/")
    with count_queries() as one:
        assert client.get("/coaching/").status_code == 200
    for n in range(1, 50):
        _busy_leader(make_user, coach, framework, lessons[:1], n)
    with count_queries() as fifty:
        response = client.get("/coaching/")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('id="leader-') == 50
    print("dashboard statements, 1 leader vs 50:", one.count, fifty.count)
    assert one.count == fifty.count, (one.statements, fifty.statements)
    # The coach with their roles and the notifications badge (1), the leaders and their
    # priorities with whether each names competencies and whether the coach has a coach of
    # their own (1: no leader's roles, the page shows none), and five facts about every
    # leader at once (5), and the daily review's leaders whose retention is falling (1, a
    # registry.page_card).
    assert fifty.count <= 8, fifty.statements


def test_leaders_are_ranked_by_need_and_say_why(coach, make_user, framework, make_course):
    make_course("rank", lessons=4, competencies=("LL.1",))
    lessons = db.session.scalars(select(Lesson).order_by(Lesson.id)).all()
    now = utcnow()
    fine, struggling, silent = (
        make_user("leader", name=n) for n in ("Fine", "Struggling", "Silent")
    )
    for leader in (fine, struggling, silent):
        services.pair(coach, leader)
    competency = next(c for d in framework.domains for c in d.competencies if c.code == "LL.1")
    services.save_priority(
        fine,
        services.PriorityFields(title="Reading", competency_ids=(competency.id,)),
        by=coach,
        framework_id=framework.id,
        key=new_form_key(),
    )
    soon = now + timedelta(days=3)
    services.schedule_check_in(
        coach, fine, day=soon.date(), at=time(12), mode="call", key=new_form_key()
    )
    learning.complete_lesson(fine, lessons[0])
    # Struggling: an overdue action, a missed check-in, quick checks going badly.
    missed = services.schedule_check_in(
        coach,
        struggling,
        day=(now - timedelta(days=10)).date(),
        at=time(9),
        mode="call",
        key=new_form_key(),
    )
    services.add_action(
        missed,
        title="x",
        owner="leader",
        due_on=(now - timedelta(days=2)).date(),
        key=new_form_key(),
    )
    for lesson in lessons:
        for question in lesson.questions:
            learning.answer_question(struggling, question, 2)  # always wrong first time

    rows = services.dashboard(coach, now).rows
    assert [row.leader.name for row in rows][-1] == "Fine"
    codes = {row.leader.name: [r.code for r in row.reasons] for row in rows}
    assert codes["Fine"] == []
    assert set(codes["Struggling"]) >= {
        "check_in_overdue",
        "overdue_actions",
        "quick_checks",
        "no_priority",
    }
    assert set(codes["Silent"]) >= {"no_check_in_yet", "never_active", "no_priority"}
    later = services.dashboard(coach, now + timedelta(days=40)).rows
    fine_row = next(r for r in later if r.leader.name == "Fine")
    assert {r.code for r in fine_row.reasons} >= {
        "quiet",
        "no_priority_progress",
        "check_in_overdue",
    }


def test_the_dashboard_says_why_in_words(client, login, coach, leader, pair):
    check_in = services.schedule_check_in(
        coach, leader, day=date(2026, 1, 5), at=time(9), mode="call", key=new_form_key()
    )
    services.add_action(
        check_in, title="x", owner="leader", due_on=date(2026, 1, 6), key=new_form_key()
    )
    services.add_action(
        check_in, title="y", owner="coach", due_on=date(2026, 1, 6), key=new_form_key()
    )
    login(coach)
    page = client.get("/coaching/").get_data(as_text=True)
    assert "2 actions overdue" in page
    assert "The check-in of 5 Jan 2026 has not been recorded" in page
    assert "No priority agreed yet" in page and "No activity yet" in page


def _a_month_of_coaching(coach, leader, priority, n):
    """Month ``n`` of a year: a check-in, the coach's ratings of the priority's
    competencies, and an action."""
    check_in = services.schedule_check_in(
        coach,
        leader,
        day=date(2026, 1, 1) + timedelta(days=30 * n),
        at=time(9),
        mode="call",
        key=new_form_key(),
    )
    services.save_ratings(check_in, {c: 2 for c in priority.competency_ids})
    services.add_action(
        check_in, title="a", owner="leader", due_on=date(2027, 1, 1), key=new_form_key()
    )
    return check_in


def test_a_leaders_page_costs_the_same_with_a_year_of_check_ins(
    client, login, coach, leader, priority, count_queries
):
    def book(n):
        check_in = _a_month_of_coaching(coach, leader, priority, n)
        services.save_notes(check_in, shared="notes", private="private")
        services.save_priority(
            leader,
            services.PriorityFields(
                title=f"Priority {n}", competency_ids=tuple(priority.competency_ids)
            ),
            by=coach,
            framework_id=priority.competency_links[0].competency.framework_id,
            key=new_form_key(),
        )

    book(0)
    login(coach)
    url = f"/coaching/leaders/{leader.id}"
    client.get(url)
    with count_queries() as one:
        assert client.get(url).status_code == 200
    for n in range(1, 12):
        book(n)
    with count_queries() as twelve:
        assert client.get(url).status_code == 200
    assert one.count == twelve.count, (one.statements, twelve.statements)


def test_the_leaders_own_page_is_eight_statements_with_a_year_behind_it(
    client, login, coach, leader, priority, count_queries
):
    """/coaching/me, in the leaders' everyday mix: the person, their priority with its
    competencies, their coach, check-ins, actions, lessons and answers (one), self-ratings,
    the coach's ratings; the framework and the lessons are the process's kept content."""
    for n in range(12):
        _a_month_of_coaching(coach, leader, priority, n)
    login(leader)
    client.get("/coaching/me")  # the framework and lessons kept by the process
    with count_queries() as counter:
        page = client.get("/coaching/me")
    assert page.status_code == 200
    assert "Your coach is" in page.get_data(as_text=True)
    assert counter.count <= 8, counter.statements
