"""Invitations and password resets: a link or a short code, once, before it expires."""

from __future__ import annotations

import re
from datetime import timedelta

from app.accounts import services
from app.accounts.models import CodePurpose, SignIn, User
from app.db import utcnow
from app.extensions import db
from app.forms import new_form_key
from tests.conftest import PASSWORD, without_csrf_tokens


def _issued_page_parts(page: str) -> tuple[str | None, str]:
    link = re.search(r'value="http://[^"]+/invitation\?token=([^"]+)"', page)
    code = re.search(r'<p class="code"[^>]*>([A-Z0-9-]+)</p>', page).group(1)
    return (link.group(1) if link else None), code


def open_link(client, token: str):
    """Follow an invitation link as a phone does: its one GET, then the page it leads to."""
    opened = client.get(f"/invitation?token={token}")
    assert opened.status_code == 303 and opened.headers["Location"] == "/invitation"
    return client.get("/invitation")


def test_admin_invites_and_the_invitee_accepts_by_link(client, make_user, login):
    login(make_user("admin"))
    response = client.post(
        "/people/invite",
        data={
            "key": new_form_key(),
            "name": "Wanjiku",
            "phone": "+254 711 000 111",
            "roles": ["leader", "coach"],
        },
    )
    assert response.status_code == 200
    token, code = _issued_page_parts(response.get_data(as_text=True))
    assert token and re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    invitee = db.session.scalar(db.select(User).where(User.phone == "+254711000111"))
    assert invitee.roles == {"leader", "coach"} and not invitee.has_accepted

    client.post("/sign-out")
    page = open_link(client, token)
    assert page.status_code == 200 and "+254711000111" in page.get_data(as_text=True)
    short = client.post(
        "/invitation",
        data={"name": "Wanjiku K.", "password": "short", "confirm": "short"},
    )
    assert short.status_code == 200 and "Use 8 to 128 characters" in short.get_data(as_text=True)
    assert 'value="Wanjiku K."' in short.get_data(as_text=True)  # nothing typed is lost
    accepted = client.post(
        "/invitation",
        data={"name": "Wanjiku K.", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert accepted.status_code == 303 and accepted.headers["Location"] == "/learn/"
    assert client.get("/learn/").status_code == 200
    # The link works once.
    client.post("/sign-out")
    assert open_link(client, token).status_code == 404
    assert (
        client.post(
            "/sign-in", data={"identifier": "+254711000111", "password": PASSWORD}
        ).status_code
        == 303
    )


def test_accepted_on_a_phone_where_someone_else_is_signed_in(client, make_user, login):
    """A shared phone: the leader signed in there is signed out of it, and the phone forgets
    what it kept for them (as when they sign out); the newcomer's own accept clears nothing."""
    grace = make_user("leader")
    login(grace)
    invited = services.invite(email="neema@example.org", name="Neema")
    open_link(client, invited.token)
    data = {"name": "Neema", "password": PASSWORD, "confirm": PASSWORD}
    accepted = client.post("/invitation", data=data)
    assert accepted.status_code == 303 and accepted.headers["Location"] == "/learn/"
    assert accepted.headers["Clear-Site-Data"] == '"storage", "cache"'
    assert not db.session.scalars(db.select(SignIn).where(SignIn.user_id == grace.id)).all()

    client.post("/sign-out")
    again = services.invite(email="baraka@example.org", name="Baraka")
    open_link(client, again.token)
    assert "Clear-Site-Data" not in client.post("/invitation", data=data).headers


def test_a_code_keeps_the_name_the_admin_gave_and_lands_on_learn(client):
    """An imported leader need not type their name again; an author lands on Home."""
    issued = services.invite(phone="+254722000333", name="Neema Achieng")
    response = client.post(
        "/welcome",
        data={
            "identifier": "+254722000333",
            "code": issued.code,
            "name": "",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == "/learn/"
    neema = db.session.scalar(db.select(User).where(User.phone == "+254722000333"))
    assert neema.name == "Neema Achieng" and neema.has_accepted
    client.post("/sign-out")
    author = services.invite(email="priya@example.org", name="Priya", roles=("author",))
    data = {"identifier": "priya@example.org", "code": author.code, "name": "Priya R."}
    landed = client.post("/welcome", data={**data, "password": PASSWORD, "confirm": PASSWORD})
    assert landed.headers["Location"] == "/"
    assert db.session.scalar(db.select(User.name).where(User.email == "priya@example.org")) == (
        "Priya R."
    )


def test_invitee_accepts_with_the_short_code_read_over_the_phone(client, app):
    issued = services.invite(email="code@example.org", name="Baraka")
    spoken = issued.display_code.lower().replace("-", " ")
    response = client.post(
        "/welcome",
        data={
            "identifier": "CODE@example.org",
            "code": spoken,
            "name": "Baraka",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 303
    again = client.post(
        "/welcome",
        data={
            "identifier": "code@example.org",
            "code": issued.code,
            "name": "Baraka",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert again.status_code == 302 or "does not match" in again.get_data(as_text=True)


def test_wrong_code_keeps_what_was_typed_and_does_not_say_whether_the_account_exists(client, app):
    services.invite(email="real@example.org")
    data = {"code": "AAAA-AAAA", "name": "Neema", "password": PASSWORD, "confirm": PASSWORD}
    known = client.post("/welcome", data={**data, "identifier": "real@example.org"}).get_data(
        as_text=True
    )
    unknown = client.post("/welcome", data={**data, "identifier": "ghost@example.org"}).get_data(
        as_text=True
    )
    assert "does not match" in known
    assert without_csrf_tokens(known).replace("real@example.org", "X") == without_csrf_tokens(
        unknown
    ).replace("ghost@example.org", "X")
    assert 'value="Neema"' in known


def test_expired_invitation_does_not_work(client, app):
    issued = services.invite(email="late@example.org")
    issued.access_code.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert open_link(client, issued.token).status_code == 404
    response = client.post(
        "/welcome",
        data={
            "identifier": "late@example.org",
            "code": issued.code,
            "name": "Late",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert "does not match" in response.get_data(as_text=True)


def test_a_new_invitation_replaces_the_old_one(app):
    first = services.invite(email="twice@example.org")
    second = services.reissue_invitation(first.access_code.user, None)
    assert services.code_for_token(first.token) is None
    assert services.code_for_token(second.token) is not None


def test_admin_issues_a_reset_code_and_the_person_resets(client, make_user, login):
    leader = make_user(email="forgetful@example.org")
    login(make_user("admin"))
    response = client.post(f"/people/{leader.id}/reset-code")
    _, code = _issued_page_parts(response.get_data(as_text=True))
    client.post("/sign-out")
    new_password = "a brand new password"
    mismatch = client.post(
        "/password-reset",
        data={
            "identifier": leader.email,
            "code": code,
            "password": new_password,
            "confirm": "other",
        },
    )
    assert "not the same" in mismatch.get_data(as_text=True)
    done = client.post(
        "/password-reset",
        data={
            "identifier": leader.email,
            "code": code,
            "password": new_password,
            "confirm": new_password,
        },
    )
    assert done.status_code == 303
    assert (
        client.post("/sign-in", data={"identifier": leader.email, "password": PASSWORD}).status_code
        == 200
    )
    assert (
        client.post(
            "/sign-in", data={"identifier": leader.email, "password": new_password}
        ).status_code
        == 303
    )
    client.post("/sign-out")
    reused = client.post(
        "/password-reset",
        data={
            "identifier": leader.email,
            "code": code,
            "password": "yet another one",
            "confirm": "yet another one",
        },
    )
    assert "does not match" in reused.get_data(as_text=True)


def test_reset_code_cannot_be_used_as_an_invitation(app, make_user):
    user = make_user()
    issued = services.issue_reset_code(user, None)
    assert services.code_for_identifier(user.email, issued.code, CodePurpose.INVITATION) is None
    assert services.code_for_identifier(user.email, issued.code, CodePurpose.RESET) is not None


def test_invite_form_errors_sit_next_to_their_field_and_keep_input(client, make_user, login):
    make_user(email="taken@example.org")
    login(make_user("admin"))
    no_contact = client.post(
        "/people/invite", data={"key": new_form_key(), "name": "Zawadi", "roles": ["leader"]}
    )
    assert no_contact.status_code == 422
    assert "Give an email address or a phone number" in no_contact.get_data(as_text=True)
    bad_phone = client.post(
        "/people/invite",
        data={"key": new_form_key(), "name": "Zawadi", "phone": "0712 345", "roles": ["leader"]},
    )
    assert "country code" in bad_phone.get_data(
        as_text=True
    ) and 'value="0712 345"' in bad_phone.get_data(as_text=True)
    taken = client.post(
        "/people/invite",
        data={
            "key": new_form_key(),
            "name": "Zawadi",
            "email": "taken@example.org",
            "roles": ["coach"],
        },
    )
    assert "already has this email" in taken.get_data(as_text=True)
    no_role = client.post(
        "/people/invite", data={"key": new_form_key(), "name": "Zawadi", "email": "z@example.org"}
    )
    assert "Choose at least one role" in no_role.get_data(as_text=True)
