"""Who sees what: a coach only their own leaders, a leader only their own record; private
notes and unshared entries reach nobody else; every route with the wrong person and
guessed ids."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.coaching import services
from app.extensions import db
from app.forms import new_form_key
from app.learning import services as learning
from app.learning.models import Lesson

PRIVATE = "PRIVATE-NOTE-7f3a"
SECRET_ENTRY = "UNSHARED-ENTRY-91bc"
SHARED_ENTRY = "SHARED-ENTRY-44de"


@pytest.fixture
def record(priority, check_in, coach, leader, make_course):
    """A check-in with every kind of record, a shared and an unshared notebook entry."""
    services.save_preparation(check_in, tried="tried", happened="happened", help_needed="help")
    services.save_notes(check_in, shared="Shared notes.", private=PRIVATE)
    action = services.add_action(
        check_in, title="Observe", owner="leader", due_on=date(2030, 1, 1), key=new_form_key()
    )
    make_course("access", lessons=2)
    first, second = db.session.scalars(select(Lesson).order_by(Lesson.id)).all()
    shared = learning.save_reflection(leader, first, SHARED_ENTRY)
    unshared = learning.save_reflection(leader, second, SECRET_ENTRY)
    services.share_entry(leader, shared)
    return {"check_in": check_in, "action": action, "shared": shared, "unshared": unshared}


def _routes(leader_id, check_in_id, action_id, reflection_id):
    return [
        ("get", f"/coaching/leaders/{leader_id}"),
        ("get", f"/coaching/leaders/{leader_id}/priority"),
        ("post", f"/coaching/leaders/{leader_id}/priority"),
        ("get", f"/coaching/leaders/{leader_id}/check-ins/new"),
        ("post", f"/coaching/leaders/{leader_id}/check-ins/new"),
        ("get", f"/coaching/check-ins/{check_in_id}"),
        ("get", f"/coaching/check-ins/{check_in_id}/check-in.ics"),
        ("post", f"/coaching/check-ins/{check_in_id}/reschedule"),
        ("post", f"/coaching/check-ins/{check_in_id}/cancel"),
        ("post", f"/coaching/check-ins/{check_in_id}/preparation"),
        ("post", f"/coaching/check-ins/{check_in_id}/notes"),
        ("post", f"/coaching/check-ins/{check_in_id}/ratings"),
        ("post", f"/coaching/check-ins/{check_in_id}/actions"),
        ("post", f"/coaching/actions/{action_id}"),
        ("post", f"/coaching/notebook/{reflection_id}/share"),
        ("post", f"/coaching/notebook/{reflection_id}/unshare"),
    ]


def _statuses(client, routes):
    return {url: getattr(client, method)(url).status_code for method, url in routes}


def test_another_coach_finds_nothing_of_someone_elses_leader(
    client, login, make_user, record, leader
):
    other = make_user("coach", "leader")
    login(other)
    routes = _routes(leader.id, record["check_in"].id, record["action"].id, record["unshared"].id)
    statuses = _statuses(client, routes)
    assert set(statuses.values()) == {404}, statuses
    assert "Grace Leader" not in client.get("/coaching/").get_data(as_text=True)


def test_guessed_ids_are_not_found(client, login, coach, record):
    login(coach)
    n = 2**31 - 1
    statuses = _statuses(client, _routes(n, n, n, n))
    # The notebook is a leader's: a coach who leads nobody is refused before any lookup.
    notebook = {url for url in statuses if "/notebook/" in url}
    assert {statuses[url] for url in notebook} == {403}
    assert {s for url, s in statuses.items() if url not in notebook} == {404}, statuses


def test_a_leader_guessing_entry_ids_finds_nothing(client, login, make_user, record):
    login(make_user("leader"))
    for reflection in (record["shared"], record["unshared"]):
        for verb in ("share", "unshare"):
            assert client.post(f"/coaching/notebook/{reflection.id}/{verb}").status_code == 404


def test_people_without_the_role_are_refused(client, login, make_user, record, leader):
    login(make_user("author"))
    assert client.get("/coaching/").status_code == 403
    assert client.get(f"/coaching/leaders/{leader.id}").status_code == 403
    assert client.get("/coaching/pairings").status_code == 403
    assert client.post("/coaching/pairings").status_code == 403
    assert client.post(f"/coaching/pairings/{leader.id}/end").status_code == 403
    assert client.get("/coaching/notebook").status_code == 403
    assert client.get(f"/coaching/check-ins/{record['check_in'].id}").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, record):
    for url in ("/coaching/", "/coaching/me", f"/coaching/check-ins/{record['check_in'].id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_leader_never_receives_private_notes_or_coach_forms(client, login, leader, record):
    login(leader)
    check_in = record["check_in"]
    pages = [
        client.get(url)
        for url in (
            "/coaching/",
            "/coaching/me",
            "/coaching/notebook",
            f"/coaching/check-ins/{check_in.id}",
            f"/coaching/check-ins/{check_in.id}/check-in.ics",
            "/notifications/",
        )
    ]
    pages.append(client.get(f"/coaching/check-ins/{check_in.id}", headers={"HX-Request": "true"}))
    pages.append(client.post(f"/coaching/actions/{record['action'].id}", data={"done": "1"}))
    pages.append(
        client.post(
            f"/coaching/actions/{record['action'].id}",
            data={"done": "0"},
            headers={"HX-Request": "true"},
        )
    )
    for response in pages:
        assert PRIVATE.encode() not in response.data
    # The leader may not write the coach's part of the record.
    assert (
        client.post(f"/coaching/check-ins/{check_in.id}/notes", data={"notes": "x"}).status_code
        == 403
    )
    assert client.post(f"/coaching/check-ins/{check_in.id}/ratings").status_code == 403
    assert client.post(f"/coaching/check-ins/{check_in.id}/actions").status_code == 403
    assert client.get(f"/coaching/leaders/{leader.id}").status_code == 403


def test_another_leader_sees_nothing_of_this_record(client, login, make_user, record, leader):
    login(make_user("leader"))
    routes = _routes(leader.id, record["check_in"].id, record["action"].id, record["shared"].id)
    statuses = _statuses(client, routes)
    assert {s for s in statuses.values()} <= {403, 404}, statuses
    for url in ("/coaching/", "/coaching/me", "/coaching/notebook"):
        body = client.get(url).data
        assert PRIVATE.encode() not in body and SECRET_ENTRY.encode() not in body
        assert SHARED_ENTRY.encode() not in body


def test_the_coach_sees_shared_entries_only(client, login, coach, leader, record):
    login(coach)
    page = client.get(f"/coaching/leaders/{leader.id}").get_data(as_text=True)
    assert SHARED_ENTRY in page and SECRET_ENTRY not in page
    assert PRIVATE in client.get(f"/coaching/check-ins/{record['check_in'].id}").get_data(
        as_text=True
    )
    client.post("/sign-out")
    login(leader)
    assert client.post(f"/coaching/notebook/{record['shared'].id}/unshare").status_code == 303
    client.post("/sign-out")
    login(coach)
    assert SHARED_ENTRY not in client.get(f"/coaching/leaders/{leader.id}").get_data(as_text=True)


def test_a_new_coach_sees_the_record_but_not_the_old_coachs_private_notes(
    client, login, make_user, leader, record
):
    new_coach = make_user("coach")
    services.pair(new_coach, leader)
    login(new_coach)
    check_in = record["check_in"]
    page = client.get(f"/coaching/check-ins/{check_in.id}")
    assert page.status_code == 200 and PRIVATE.encode() not in page.data
    assert (
        client.post(f"/coaching/check-ins/{check_in.id}/notes", data={"notes": "x"}).status_code
        == 403
    )
    # Entries shared with the old coach stay with the old coach.
    assert SHARED_ENTRY.encode() not in client.get(f"/coaching/leaders/{leader.id}").data


def test_the_self_assessment_page_tells_the_truth_about_the_coach(
    client, login, coach, leader, pair, framework
):
    competency = [c for d in framework.domains for c in d.competencies][0]
    learning.record_self_assessment(leader, framework, {competency.id: 2}, new_form_key())
    login(coach)
    page = client.get(f"/coaching/leaders/{leader.id}").get_data(as_text=True)
    assert f"competency-{competency.id}" in page and "Self-rating: 2" in page
