"""Coaching pages as pages and as fragments, their form errors, and their languages."""

from __future__ import annotations

import re

import pytest

from app.coaching import services
from app.forms import new_form_key

HX = {"HX-Request": "true"}


def _pages(leader_id, check_in_id):
    return [f"/coaching/leaders/{leader_id}", f"/coaching/check-ins/{check_in_id}", "/coaching/"]


def test_pages_and_their_fragments(client, login, coach, leader, priority, check_in):
    login(coach)
    for url in _pages(leader.id, check_in.id) + [
        f"/coaching/leaders/{leader.id}/priority",
        f"/coaching/leaders/{leader.id}/check-ins/new",
    ]:
        whole, fragment = client.get(url), client.get(url, headers=HX)
        assert whole.status_code == fragment.status_code == 200, url
        assert "<html" in whole.get_data(as_text=True)
        body = fragment.get_data(as_text=True)
        assert "<html" not in body and "<h1>" in body, url


def test_a_booking_with_a_missing_time_says_so_and_keeps_the_rest(
    client, login, coach, leader, pair
):
    login(coach)
    response = client.post(
        f"/coaching/leaders/{leader.id}/check-ins/new",
        data={"day": "2030-05-06", "at": "", "mode": "visit", "key": new_form_key()},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Choose the time." in body
    assert 'value="2030-05-06"' in body
    assert re.search(r'<input checked[^>]* value="visit"', body)


def test_an_action_without_a_title_or_date_says_what_to_fix(client, login, coach, check_in):
    login(coach)
    response = client.post(
        f"/coaching/check-ins/{check_in.id}/actions",
        data={"title": "", "owner": "coach", "due_on": "", "key": new_form_key()},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Say what is to be done." in body and "Choose the day it is due." in body


def test_a_preparation_too_long_is_refused_with_the_text_kept(client, login, leader, check_in):
    login(leader)
    long_text = "x" * (services.TEXT_MAX_CHARS + 1)
    response = client.post(
        f"/coaching/check-ins/{check_in.id}/preparation",
        data={"tried": "Kept text", "happened": long_text, "help_needed": ""},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Keep it shorter" in body and "Kept text" in body


def test_a_rating_out_of_the_scale_is_refused(client, login, coach, priority, check_in):
    login(coach)
    competency = priority.competency_ids[0]
    response = client.post(
        f"/coaching/check-ins/{check_in.id}/ratings", data={f"c{competency}": "9"}
    )
    assert response.status_code == 422
    assert services.ratings_at(check_in) == {}


@pytest.mark.parametrize(
    ("locale", "words"),
    [("fr", ["Mon coaching", "Rendez-vous"]), ("sw", ["Ukocha wangu", "Vikao"])],
)
def test_the_leaders_record_in_french_and_swahili(client, login, make_user, coach, locale, words):
    leader = make_user("leader", locale=locale)
    services.pair(coach, leader)
    login(leader)
    body = client.get("/coaching/").get_data(as_text=True)
    for word in words:
        assert word in body


def test_a_leader_ticks_off_without_javascript_and_returns_to_their_record(
    client, login, leader, check_in
):
    from datetime import date

    action = services.add_action(
        check_in, title="Observe", owner="leader", due_on=date(2030, 1, 1), key=new_form_key()
    )
    login(leader)
    response = client.post(f"/coaching/actions/{action.id}", data={"done": "1", "back": "record"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/coaching/me#action-{action.id}")
    assert services.get_action(action.id).done
    assert client.post(f"/coaching/actions/{action.id}", data={"done": "maybe"}).status_code == 400
