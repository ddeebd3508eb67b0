"""Guessing is slow, and a stranger's failures never lock the real person out
(the design is in app/accounts/limits.py)."""

from __future__ import annotations

import pytest

from app.accounts import services
from app.accounts.limits import KNOWN_DEVICE_COOKIE
from tests.conftest import PASSWORD

STRANGER = {"REMOTE_ADDR": "41.90.1.1"}
LEADER_AT_SCHOOL = {"REMOTE_ADDR": "105.160.2.2"}


def _try(client, identifier, password, address):
    return client.post(
        "/sign-in",
        data={"identifier": identifier, "password": password},
        environ_base=address,
    )


@pytest.fixture
def strict(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_FAILURE_LIMIT", "3/minute")


def test_a_strangers_failures_do_not_stop_the_leader(app, make_user, strict):
    leader = make_user(email=None, phone="+254700000001")
    stranger = app.test_client()
    answers = [_try(stranger, leader.phone, "guess-guess", STRANGER).status_code for _ in range(8)]
    assert answers == [200, 200, 200, 429, 429, 429, 429, 429]
    assert _try(stranger, leader.phone, PASSWORD, STRANGER).status_code == 429
    # The leader, at another address and on a phone that never signed in, gets in at once.
    assert _try(app.test_client(), leader.phone, PASSWORD, LEADER_AT_SCHOOL).status_code == 303


def test_an_attacker_at_one_address_is_still_limited(app, client, make_user, strict):
    leader = make_user()
    for _ in range(3):
        assert _try(client, leader.email, "wrong-pass", STRANGER).status_code == 200
    # Even the right password, from there: that address has had its three guesses.
    blocked = _try(client, leader.email, PASSWORD, STRANGER)
    assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)
    # Another account from the same address is not blocked by this one's failures.
    other = make_user()
    assert _try(client, other.email, PASSWORD, STRANGER).status_code == 303


def test_only_failures_count(app, client, make_user, strict):
    leader = make_user()
    for _ in range(6):
        assert _try(client, leader.email, PASSWORD, LEADER_AT_SCHOOL).status_code == 303
        client.post("/sign-out")
    assert _try(client, leader.email, "wrong-pass", LEADER_AT_SCHOOL).status_code == 200


def test_many_addresses_guessing_together_are_stopped_but_not_the_leaders_own_phone(
    app, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT", "3/hour")
    leader = make_user(email=None, phone="+254700000001")
    own_phone = app.test_client()
    assert _try(own_phone, leader.phone, PASSWORD, LEADER_AT_SCHOOL).status_code == 303
    own_phone.post("/sign-out")
    assert own_phone.get_cookie(KNOWN_DEVICE_COOKIE, path="/sign-in") is not None

    for n in range(3):  # a botnet: one guess from each of many addresses
        address = {"REMOTE_ADDR": f"197.248.0.{n}"}
        assert _try(app.test_client(), leader.phone, "guess", address).status_code == 200
    new_place = {"REMOTE_ADDR": "197.248.9.9"}
    assert _try(app.test_client(), leader.phone, PASSWORD, new_place).status_code == 429
    # Their own phone still signs in, from anywhere, with the right password.
    assert _try(own_phone, leader.phone, PASSWORD, new_place).status_code == 303


def test_a_known_phone_is_itself_limited_and_forgotten_with_the_password(app, make_user, strict):
    leader = make_user()
    phone = app.test_client()
    assert _try(phone, leader.email, PASSWORD, LEADER_AT_SCHOOL).status_code == 303
    phone.post("/sign-out")
    for _ in range(3):  # a thief with the phone
        assert _try(phone, leader.email, "guess", STRANGER).status_code == 200
    assert _try(phone, leader.email, PASSWORD, LEADER_AT_SCHOOL).status_code == 429
    # A new password (after the lost phone) makes the old mark worthless.
    mark = phone.get_cookie(KNOWN_DEVICE_COOKIE, path="/sign-in").value
    assert services.is_known_device(leader, mark.split("-"))
    services.set_password(leader, "a brand new password")
    assert not services.is_known_device(leader, mark.split("-"))


def test_the_mark_cannot_be_made_for_someone_else(app, make_user):
    leader, other = make_user(), make_user()
    forged = services.known_device_mark(other).replace(f"{other.id}.", f"{leader.id}.")
    assert not services.is_known_device(leader, [forged, "", "é", "1.x"])
    assert services.is_known_device(leader, [forged, services.known_device_mark(leader)])


def test_the_mark_is_a_narrow_cookie_shared_by_a_schools_phone(app, client, make_user):
    head, deputy = make_user(), make_user()
    first = _try(client, head.email, PASSWORD, LEADER_AT_SCHOOL)
    cookie = next(c for c in first.headers.getlist("Set-Cookie") if KNOWN_DEVICE_COOKIE in c)
    assert "Path=/sign-in" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    client.post("/sign-out")
    _try(client, deputy.email, PASSWORD, LEADER_AT_SCHOOL)
    marks = client.get_cookie(KNOWN_DEVICE_COOKIE, path="/sign-in").value.split("-")
    assert services.is_known_device(head, marks) and services.is_known_device(deputy, marks)


@pytest.mark.parametrize("url", ["/welcome", "/password-reset"])
def test_code_forms_count_wrong_codes_and_a_strangers_do_not_stop_the_leader(
    app, make_user, strict, url
):
    if url == "/welcome":
        issued = services.invite(email="invited@example.org")
    else:
        issued = services.issue_reset_code(make_user(email="invited@example.org"), None)
    leader = issued.access_code.user
    data = {"identifier": leader.email, "name": "L", "password": PASSWORD, "confirm": PASSWORD}
    stranger = app.test_client()
    for _ in range(3):
        wrong = stranger.post(url, data={**data, "code": "AAAA-AAAA"}, environ_base=STRANGER)
        assert wrong.status_code == 200
    assert (
        stranger.post(url, data={**data, "code": "AAAA-AAAA"}, environ_base=STRANGER).status_code
        == 429
    )
    right = app.test_client().post(
        url, data={**data, "code": issued.code}, environ_base=LEADER_AT_SCHOOL
    )
    assert right.status_code == 303


def test_during_such_an_attack_a_reset_code_lets_the_leader_in_on_a_new_phone(
    app, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGN_IN_FAILURE_LIMIT_PER_ACCOUNT", "2/hour")
    leader = make_user(email=None, phone="+254700000001")
    for n in range(2):
        _try(app.test_client(), leader.phone, "guess", {"REMOTE_ADDR": f"197.248.0.{n}"})
    new_phone = app.test_client()
    assert _try(new_phone, leader.phone, PASSWORD, LEADER_AT_SCHOOL).status_code == 429
    issued = services.issue_reset_code(leader, None)
    new_password = "a brand new password"
    reset = new_phone.post(
        "/password-reset",
        data={
            "identifier": leader.phone,
            "code": issued.code,
            "password": new_password,
            "confirm": new_password,
        },
        environ_base=LEADER_AT_SCHOOL,
    )
    assert reset.status_code == 303
    assert _try(new_phone, leader.phone, new_password, LEADER_AT_SCHOOL).status_code == 303


def test_the_leaders_own_phone_is_not_slowed_by_its_crowded_network_address(
    app, make_user, monkeypatch
):
    """Thousands of phones share one address behind a mobile network (carrier-grade NAT)."""
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ADDRESS", "3/minute")
    leader = make_user()
    own_phone = app.test_client()
    assert _try(own_phone, leader.email, PASSWORD, LEADER_AT_SCHOOL).status_code == 303
    own_phone.post("/sign-out")
    crowd = app.test_client()
    for n in range(3):
        _try(crowd, f"someone{n}@example.org", "guess", LEADER_AT_SCHOOL)
    assert _try(crowd, leader.email, PASSWORD, LEADER_AT_SCHOOL).status_code == 429
    assert _try(own_phone, leader.email, PASSWORD, LEADER_AT_SCHOOL).status_code == 303


def test_the_old_per_account_setting_is_refused_with_what_to_set(database_url, tmp_path):
    from app import create_app
    from tests.conftest import app_config

    config = app_config(database_url, tmp_path, SIGN_IN_LIMIT_PER_ACCOUNT="5/minute")
    with pytest.raises(RuntimeError, match="HEADWAY_SIGN_IN_FAILURE_LIMIT"):
        create_app(config)
