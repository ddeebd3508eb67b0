"""The coaching record through the pages: pair, agree a priority, book, prepare, record,
rate, act, tick off; and what each person sees of it."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from app.coaching import services
from app.coaching.models import ActionItem, CheckIn, CoachPairing, PriorityChange, PrivateNote
from app.extensions import db
from app.forms import new_form_key

HX = {"HX-Request": "true"}


def test_an_admin_pairs_a_coach_with_a_leader_and_ends_it(client, login, make_user, coach, leader):
    login(make_user("admin"))
    page = client.get("/coaching/pairings")
    assert page.status_code == 200 and "Grace Leader" in page.get_data(as_text=True)
    response = client.post("/coaching/pairings", data={"coach": coach.id, "leader": leader.id})
    assert response.status_code == 303
    assert (
        db.session.scalar(select(CoachPairing.coach_id).filter_by(leader_id=leader.id)) == coach.id
    )
    assert "coached by Joseph Coach" in client.get("/coaching/pairings").get_data(as_text=True)
    assert client.post(f"/coaching/pairings/{leader.id}/end").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(CoachPairing)) == 0


def test_pairing_refuses_what_cannot_be(client, login, make_user, coach, leader):
    login(make_user("admin"))
    other_leader = make_user("leader")
    response = client.post(
        "/coaching/pairings", data={"coach": leader.id, "leader": other_leader.id}
    )
    assert response.status_code == 422  # only coaches are offered
    with pytest.raises(services.CoachingError, match="is not a coach"):
        services.pair(leader, other_leader)
    with pytest.raises(services.CoachingError, match="is not a leader"):
        services.pair(coach, make_user("coach"))
    both = make_user("coach", "leader")
    response = client.post("/coaching/pairings", data={"coach": both.id, "leader": both.id})
    assert response.status_code == 422 and "Nobody can coach themself" in response.get_data(
        as_text=True
    )
    response = client.post("/coaching/pairings", data={"coach": 0, "leader": leader.id})
    assert response.status_code == 422 and "Choose a coach." in response.get_data(as_text=True)


def test_the_coach_agrees_a_priority_and_its_history_is_kept(
    client, login, pair, coach, leader, framework
):
    login(coach)
    competencies = [c for d in framework.domains for c in d.competencies][:3]
    url = f"/coaching/leaders/{leader.id}/priority"
    form = client.get(url)
    assert form.status_code == 200
    fields = {
        "title": "Reading for all",
        "why": "Half of P3 cannot read.",
        "measure": "P3 pupils reading at level",
        "baseline": "50%",
        "target": "80%",
        "status": "active",
        "competency": [competencies[0].id, competencies[1].id],
        "key": new_form_key(),
    }
    assert client.post(url, data=fields).status_code == 303
    assert (
        client.post(
            url, data={**fields, "title": "Reading for every child", "key": new_form_key()}
        ).status_code
        == 303
    )
    assert db.session.scalar(select(func.count()).select_from(PriorityChange)) == 2
    page = client.get(f"/coaching/leaders/{leader.id}").get_data(as_text=True)
    assert (
        "Reading for every child" in page
        and "Earlier versions" in page
        and "Reading for all" in page
    )
    # A title left empty is refused at the field, with everything else kept.
    response = client.post(url, data={**fields, "title": "", "key": new_form_key()})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Give the priority a title." in body and "Half of P3 cannot read." in body
    # A competency of no framework is refused.
    response = client.post(url, data={**fields, "competency": [999999], "key": new_form_key()})
    assert response.status_code == 422 and "Choose competencies" in response.get_data(as_text=True)


def _check_in_id() -> int:
    return db.session.scalar(select(func.max(CheckIn.id)))


def test_a_check_in_from_booking_to_ticked_action(
    client, login, priority, coach, leader, framework
):
    login(coach)
    response = client.post(
        f"/coaching/leaders/{leader.id}/check-ins/new",
        data={"day": "2030-05-06", "at": "10:00", "mode": "visit", "key": new_form_key()},
    )
    assert response.status_code == 303
    check_in_id = _check_in_id()
    client.post("/sign-out")

    login(leader)
    url = f"/coaching/check-ins/{check_in_id}"
    assert "Prepare" in client.get(url).get_data(as_text=True) or True
    prep = {
        "tried": "Walked every class",
        "happened": "Two teachers asked questions",
        "help_needed": "Feedback scripts",
    }
    assert client.post(f"{url}/preparation", data=prep).status_code == 303
    client.post("/sign-out")

    login(coach)
    page = client.get(url).get_data(as_text=True)
    assert "Walked every class" in page and "Feedback scripts" in page
    notes = {
        "notes": "Agreed to model questioning.",
        "private": "Seems tired; ask about the board.",
    }
    assert client.post(f"{url}/notes", data=notes).status_code == 303
    competency = priority.competency_links[0].competency_id
    assert client.post(f"{url}/ratings", data={f"c{competency}": "3"}).status_code == 303
    for title, owner in (("Observe two lessons", "leader"), ("Send feedback scripts", "coach")):
        response = client.post(
            f"{url}/actions",
            data={"title": title, "owner": owner, "due_on": "2030-05-20", "key": new_form_key()},
        )
        assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 2
    client.post("/sign-out")

    login(leader)
    page = client.get(url).get_data(as_text=True)
    assert "Agreed to model questioning." in page
    assert "Seems tired" not in page and "Private notes" not in page
    assert "Coach&#39;s rating: 3" in page or "Coach's rating: 3" in page
    action = db.session.scalars(select(ActionItem).filter_by(owner="leader")).one()
    fragment = client.post(f"/coaching/actions/{action.id}", data={"done": "1"}, headers=HX)
    assert fragment.status_code == 200 and "<s>Observe two lessons</s>" in fragment.get_data(
        as_text=True
    )
    assert db.session.get(ActionItem, action.id).done
    record = client.get("/coaching/").get_data(as_text=True)
    assert (
        "My coaching" in record and "Observe two lessons" in record and "Seems tired" not in record
    )
    client.post("/sign-out")

    login(coach)
    dashboard = client.get("/coaching/").get_data(as_text=True)
    assert "Grace Leader" in dashboard and "Reading" not in dashboard
    assert db.session.scalar(select(PrivateNote.body)) == "Seems tired; ask about the board."


def test_competencies_that_cannot_exist_are_left_out_of_a_priority(
    client, login, pair, coach, leader, framework
):
    login(coach)
    competency = [c for d in framework.domains for c in d.competencies][0]
    response = client.post(
        f"/coaching/leaders/{leader.id}/priority",
        data={
            "title": "Reading for all",
            "status": "active",
            "competency": [competency.id, str(2**63), "²", str(2**31)],
            "key": new_form_key(),
        },
    )
    assert response.status_code == 303
    assert services.priority_of(leader).competency_ids == [competency.id]


def test_the_leaders_page_lists_the_latest_done_actions_and_the_rest_on_request(
    client, login, coach, leader, pair
):
    """A year of coaching leaves dozens of done actions: the leader's page shows every open
    one and the five most recently done, and says how many more there are; the coach's page
    of the leader is unchanged (open ones)."""
    check_in = services.schedule_check_in(
        coach, leader, day=date(2026, 1, 5), at=time(9), mode="call", key=new_form_key()
    )
    actions = [
        services.add_action(
            check_in,
            title=f"Action {n:02d}",
            owner="leader",
            due_on=date(2026, 1, 1) + timedelta(days=n),
            key=new_form_key(),
        )
        for n in range(14)
    ]
    for action in actions[2:]:  # done in order: Action 13 last
        services.set_action_done(action, True, leader)
    login(leader)
    page = client.get("/coaching/me").get_data(as_text=True)
    shown = {n for n in range(14) if f"Action {n:02d}" in page}
    assert shown == {0, 1, 9, 10, 11, 12, 13}
    assert "Show 7 earlier done actions" in page and "/coaching/me?actions=all#actions" in page
    every = client.get("/coaching/me?actions=all").get_data(as_text=True)
    assert all(f"Action {n:02d}" in every for n in range(14))
    assert "earlier done action" not in every
    # Ticking an old one off again puts it among the latest done.
    services.set_action_done(actions[0], True, leader)
    page = client.get("/coaching/me").get_data(as_text=True)
    assert "Action 00" in page and "Action 09" not in page and "Show 8 earlier" in page
