"""Phone numbers as people write them: one normalisation to E.164, with the programme's
region, at sign-in, on invitations, codes, the person page and in `flask users`."""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.accounts import services
from app.accounts.models import User
from app.extensions import db
from app.forms import new_form_key
from tests.conftest import PASSWORD, app_config

GRACE = "+254700000001"
WRITTEN_IN_KENYA = [
    "0700000001",
    "0700 000 001",
    "0700-000-001",
    "254700000001",
    "254 700 000 001",
    "+254700000001",
    "+254 700 000 001",
    "+254 (0) 700 000 001",
    "00254 700 000 001",
    " 700000001 ",
]
NOT_A_NUMBER = ["0712", "0712 345", "hello", "+2547000000011", "+254 000 000 001"]


@pytest.fixture
def kenya(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEFAULT_REGION", "KE")


@pytest.mark.parametrize("written", WRITTEN_IN_KENYA)
def test_every_way_a_kenyan_writes_their_number_is_the_same_number(app, kenya, written):
    assert services.normalize_phone(written) == GRACE


@pytest.mark.parametrize("written", ["+254 700 000 001", "254700000001", "00254700000001"])
def test_without_a_region_a_number_needs_its_country_code(app, written):
    assert app.config["DEFAULT_REGION"] is None
    assert services.normalize_phone(written) == GRACE


def test_a_local_number_without_a_region_asks_for_the_country_code(app):
    with pytest.raises(services.AccountError) as refused:
        services.normalize_phone("0700 000 001")
    assert refused.value.field == "phone"
    assert "country code" in str(refused.value) and "0700 000 001" in str(refused.value)


def test_the_region_is_per_programme(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEFAULT_REGION", "RW")
    assert services.normalize_phone("0788 123 456") == "+250788123456"
    assert services.normalize_phone("+254 700 000 001") == GRACE  # a visitor's number still works
    monkeypatch.setitem(app.config, "DEFAULT_REGION", "IN")
    assert services.normalize_phone("098765 43210") == "+919876543210"


@pytest.mark.parametrize("written", NOT_A_NUMBER)
def test_a_number_that_cannot_be_valid_says_so(app, kenya, written):
    with pytest.raises(services.AccountError) as refused:
        services.normalize_phone(written)
    message = str(refused.value)
    assert message.startswith(f"This is not a phone number we can reach: {written}.")
    assert "+254 712 123456" in message  # an example in the programme's own numbering


@pytest.mark.parametrize("written", WRITTEN_IN_KENYA)
def test_sign_in_with_the_number_written_any_way(client, make_user, kenya, written):
    make_user(email=None, phone=GRACE)
    response = client.post("/sign-in", data={"identifier": written, "password": PASSWORD})
    assert response.status_code == 303


def test_sign_in_with_an_impossible_number_says_so_and_keeps_it(client, make_user, kenya):
    make_user(email=None, phone=GRACE)
    response = client.post("/sign-in", data={"identifier": "0700 000", "password": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This is not a phone number we can reach: 0700 000." in page
    assert "password" not in page.split('id="identifier-error"')[1].split("</p>")[0]
    assert 'value="0700 000"' in page
    french = client.post(
        "/sign-in",
        data={"identifier": "0700 000", "password": PASSWORD},
        headers={"Accept-Language": "fr"},
    ).get_data(as_text=True)
    assert "This is not a phone number" not in french and "0700 000" in french


def test_an_impossible_number_reads_the_same_whoever_has_an_account(client, make_user, kenya):
    """The refusal is about the digits only: it cannot tell a stranger who has an account."""
    make_user(email=None, phone="+254711000111")
    pages = [
        client.post("/sign-in", data={"identifier": typed, "password": "x"}).get_data(as_text=True)
        for typed in ("0711 000 11", "0722 000 11")
    ]
    assert pages[0].replace("0711 000 11", "X") == pages[1].replace("0722 000 11", "X")


def test_the_sign_in_box_does_not_open_the_email_keyboard(client):
    for url in ("/sign-in", "/welcome", "/password-reset"):
        page = client.get(url).get_data(as_text=True)
        box = re.search(r'<input[^>]*id="identifier"[^>]*>', page).group(0)
        assert 'type="text"' in box and 'inputmode="text"' in box, box
        assert 'autocomplete="username"' in box and 'autocapitalize="none"' in box
        assert "email" not in box


def test_invitations_store_the_number_in_e164_and_see_it_written_otherwise(
    client, make_user, login, kenya
):
    login(make_user("admin"))
    form = client.get("/people/invite").get_data(as_text=True)
    assert 'type="tel"' in form and "For example 0712 123456 or +254 712 123456." in form
    response = client.post(
        "/people/invite",
        data={
            "key": new_form_key(),
            "name": "Wanjiku",
            "phone": "0711 000 111",
            "roles": ["leader"],
        },
    )
    assert response.status_code == 200
    assert db.session.scalar(db.select(User).where(User.phone == "+254711000111"))
    again = client.post(
        "/people/invite",
        data={"key": new_form_key(), "name": "Twin", "phone": "254711000111", "roles": ["leader"]},
    )
    assert again.status_code == 422
    assert "Someone already has this phone number." in again.get_data(as_text=True)
    wrong = client.post(
        "/people/invite",
        data={"key": new_form_key(), "name": "Zawadi", "phone": "0711 000", "roles": ["leader"]},
    )
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'id="phone-error"' in page
    assert "This is not a phone number we can reach: 0711 000." in page
    assert 'value="0711 000"' in page and 'value="Zawadi"' in page


def test_the_person_page_stores_the_number_in_e164(client, make_user, login, kenya):
    person = make_user(email="moving@example.org")
    login(make_user("admin"))
    response = client.post(
        f"/people/{person.id}",
        data={"email": person.email, "phone": "0722 333 444", "roles": ["leader"], "active": "y"},
    )
    assert response.status_code == 303 and person.phone == "+254722333444"
    refused = client.post(
        f"/people/{person.id}",
        data={"email": person.email, "phone": "0722 333", "roles": ["leader"], "active": "y"},
    )
    assert "not a phone number we can reach" in refused.get_data(as_text=True)
    assert person.phone == "+254722333444"


def test_codes_are_redeemed_with_the_number_written_any_way(client, make_user, kenya):
    issued = services.invite(phone="0733 000 111", name="Baraka")
    assert issued.access_code.user.phone == "+254733000111"
    joined = client.post(
        "/welcome",
        data={
            "identifier": "0733000111",
            "code": issued.code,
            "name": "Baraka",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert joined.status_code == 303
    client.post("/sign-out")
    reset = services.issue_reset_code(issued.access_code.user, None)
    done = client.post(
        "/password-reset",
        data={
            "identifier": "254 733 000 111",
            "code": reset.code,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert done.status_code == 303


@pytest.mark.parametrize("url", ["/welcome", "/password-reset"])
def test_code_forms_say_when_the_number_cannot_be_right(client, kenya, url):
    data = {"identifier": "0733 000", "code": "AAAA-AAAA", "name": "B", "password": PASSWORD}
    response = client.post(url, data={**data, "confirm": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This is not a phone number we can reach: 0733 000." in page
    assert "has expired" not in page and 'value="0733 000"' in page


def test_users_commands_take_the_number_written_any_way(runner, kenya):
    invited = runner.invoke(args=["users", "invite", "0744 000 111", "--name", "Neema"])
    assert invited.exit_code == 0, invited.output
    assert services.find_user("+254744000111").name == "Neema"
    again = runner.invoke(args=["users", "reset-code", "254744000111"])
    assert again.exit_code == 0 and "Invitation for Neema" in again.output
    wrong = runner.invoke(args=["users", "reset-code", "0744"])
    assert wrong.exit_code != 0 and "This is not a phone number we can reach: 0744." in wrong.output
    created = runner.invoke(
        args=["users", "create", "0755 000 111", "--name", "Ops", "--password", PASSWORD]
    )
    assert created.exit_code == 0 and services.find_user("0755000111").name == "Ops"


def test_the_default_region_is_checked_when_the_app_starts(database_url, tmp_path):
    app = create_app(app_config(database_url, tmp_path, DEFAULT_REGION=" ke "))
    assert app.config["DEFAULT_REGION"] == "KE"
    with pytest.raises(RuntimeError, match="HEADWAY_DEFAULT_REGION"):
        create_app(app_config(database_url, tmp_path, DEFAULT_REGION="KEN"))
