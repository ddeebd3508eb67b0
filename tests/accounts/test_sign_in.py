"""Signing in and out: email or phone, remember me, no enumeration, rate limits, CSRF."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD, sign_in, without_csrf_tokens


def test_sign_in_with_email_then_sign_out(client, make_user):
    user = make_user(email="Head@School.example")
    response = client.post(
        "/sign-in", data={"identifier": " head@school.EXAMPLE ", "password": PASSWORD}
    )
    # A leader lands on Learn, what they come for; everyone else on Home.
    assert response.status_code == 303 and response.headers["Location"] == "/learn/"
    assert client.get("/me").status_code == 200
    assert user.last_sign_in_at is not None
    signed_out = client.post("/sign-out")
    assert signed_out.status_code == 303
    assert signed_out.headers["Clear-Site-Data"] == '"storage", "cache"'
    assert client.get("/me").status_code == 302


def test_others_land_on_home(client, make_user, login):
    response = login(make_user("coach"))
    assert response.headers["Location"] == "/"


def _cookies(client) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


@pytest.mark.parametrize("remember", [False, True])
def test_signing_out_ends_the_session_on_the_server(app, client, make_user, remember):
    """A copy of the cookies taken before sign-out (a shared phone, a stolen cookie) leads to
    the sign-in page once the person has signed out, remember cookie or not."""
    user = make_user()
    data = {"identifier": user.email, "password": PASSWORD}
    client.post("/sign-in", data={**data, "remember": "y"} if remember else data)
    copied = app.test_client()
    for name, value in _cookies(client).items():
        copied.set_cookie(name, value)
    assert copied.get("/me").status_code == 200
    client.post("/sign-out")
    assert copied.get("/me").status_code == 302
    if remember:  # the remember cookie alone does not bring the session back either
        copied.delete_cookie("session")
        assert copied.get("/me").status_code == 302


def test_sign_out_everywhere_ends_every_device(app, make_user):
    user = make_user()
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        sign_in(device, user)
    assert laptop.get("/me").status_code == 200
    response = phone.post("/sign-out/everywhere")
    assert response.status_code == 303 and "Clear-Site-Data" in response.headers
    assert phone.get("/me").status_code == 302 and laptop.get("/me").status_code == 302
    sign_in(laptop, user)  # and signing in again works as before
    assert laptop.get("/me").status_code == 200


def test_signing_in_forgets_sign_ins_no_cookie_can_name_any_more(app, make_user):
    from datetime import timedelta

    from sqlalchemy import func, select, update

    from app.accounts.models import SignIn
    from app.db import utcnow
    from app.extensions import db

    user = make_user()
    old, recent = app.test_client(), app.test_client()
    sign_in(old, user)
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.execute(update(SignIn).values(created_at=utcnow() - lifetime - timedelta(days=1)))
    db.session.commit()
    sign_in(recent, user)
    assert db.session.scalar(select(func.count()).select_from(SignIn)) == 1
    assert recent.get("/me").status_code == 200 and old.get("/me").status_code == 302


def test_pages_of_a_signed_in_person_are_never_stored(client, make_user, login):
    assert client.get("/sign-in").headers["Cache-Control"] == "private, no-cache"
    login(make_user("admin"))
    for url in ("/me", "/people", "/learn/"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-store", url


def test_sign_in_with_phone_written_any_way(client, make_user):
    make_user(email=None, phone="+254712345678")
    response = client.post(
        "/sign-in", data={"identifier": "+254 712-345 678", "password": PASSWORD}
    )
    assert response.status_code == 303


def test_wrong_password_and_unknown_account_look_the_same(client, make_user):
    make_user(email="known@example.org")
    wrong = client.post(
        "/sign-in", data={"identifier": "known@example.org", "password": "nope-nope"}
    )
    unknown = client.post(
        "/sign-in", data={"identifier": "nobody@example.org", "password": "nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 200

    def strip(response):
        html = without_csrf_tokens(response.get_data(as_text=True))
        return html.replace("known@example.org", "X").replace("nobody@example.org", "X")

    assert strip(wrong) == strip(unknown)
    assert "do not match" in wrong.get_data(as_text=True)
    # What was typed is kept, so the person only fixes the password.
    assert 'value="known@example.org"' in wrong.get_data(as_text=True)


def test_invited_person_cannot_sign_in_before_choosing_a_password(client, app):
    from app.accounts import services

    services.invite(email="new@example.org")
    response = client.post("/sign-in", data={"identifier": "new@example.org", "password": ""})
    assert response.status_code == 200 and client.get("/me").status_code == 302


def test_deactivated_account_cannot_sign_in(client, make_user, app):
    user = make_user()
    user.active = False
    app.extensions["sqlalchemy"].session.commit()
    response = client.post("/sign-in", data={"identifier": user.email, "password": PASSWORD})
    assert response.status_code == 200


def test_keep_me_signed_in_sets_a_long_lived_cookie_and_plain_sign_in_does_not(client, make_user):
    user = make_user()
    kept = client.post(
        "/sign-in", data={"identifier": user.email, "password": PASSWORD, "remember": "y"}
    )
    remember = [c for c in kept.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert remember and "Expires=" in remember[0]
    client.post("/sign-out")
    plain = client.post("/sign-in", data={"identifier": user.email, "password": PASSWORD})
    assert not [c for c in plain.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]


def test_next_only_goes_to_our_own_pages(client, make_user):
    user = make_user()
    ok = client.post("/sign-in?next=/me", data={"identifier": user.email, "password": PASSWORD})
    assert ok.headers["Location"] == "/me"
    client.post("/sign-out")
    evil = client.post(
        "/sign-in?next=//evil.example/x", data={"identifier": user.email, "password": PASSWORD}
    )
    assert evil.headers["Location"] == "/learn/"  # where a leader lands


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/\\evil.example/x",
        "/\\/evil.example",
        "https://evil.example/",
        "/\tevil",
        "javascript:alert(1)",
        "",
    ],
)
def test_next_refuses_anything_a_browser_could_read_as_another_site(app, target):
    from app.accounts.routes import safe_next

    with app.test_request_context("/sign-in", query_string={"next": target}):
        assert safe_next("/") == "/"


def test_sign_in_is_rate_limited_per_address(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ADDRESS", "4/minute")
    for n in range(4):
        client.post("/sign-in", data={"identifier": f"guess{n}@example.org", "password": "x"})
    user = make_user()
    assert (
        client.post("/sign-in", data={"identifier": user.email, "password": PASSWORD}).status_code
        == 429
    )
    other_address = client.post(
        "/sign-in",
        data={"identifier": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert other_address.status_code == 303


def _csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_csrf_is_required_on_forms_and_htmx_requests(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    user = make_user()
    client = app.test_client()
    without = client.post("/sign-in", data={"identifier": user.email, "password": PASSWORD})
    assert without.status_code == 400
    token = _csrf_token(client.get("/sign-in").get_data(as_text=True))
    signed_in = client.post(
        "/sign-in", data={"identifier": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 303
    # HTMX sends the token in a header, set once on <body hx-headers>.
    page = client.get("/me").get_data(as_text=True)
    header_token = re.search(r'hx-headers=\'\{"X-CSRFToken":"([^"]+)"\}\'', page).group(1)
    assert client.post("/sign-out", headers={"HX-Request": "true"}).status_code == 400
    assert (
        client.post(
            "/sign-out", headers={"HX-Request": "true", "X-CSRFToken": header_token}
        ).status_code
        == 303
    )


def test_a_deactivated_account_is_signed_out_everywhere_at_once(app, client, make_user, login):
    from app.accounts import services

    leader = make_user(email="leaving@example.org")
    client.post(
        "/sign-in", data={"identifier": leader.email, "password": PASSWORD, "remember": "y"}
    )
    assert client.get("/me").status_code == 200
    admin = make_user("admin")
    services.update_account(leader, email=leader.email, phone=None, roles=["leader"], active=False)
    assert client.get("/me").status_code == 302  # session and remember cookie both refused
    client.delete_cookie("session")
    assert client.get("/me").status_code == 302
    other = app.test_client()
    login_response = other.post("/sign-in", data={"identifier": admin.email, "password": PASSWORD})
    assert login_response.status_code == 303 and other.get("/me").status_code == 200


def test_a_new_password_signs_out_the_lost_phone(app, client, make_user):
    from app.accounts import services

    leader = make_user(email="lost-phone@example.org")
    lost_phone = client
    lost_phone.post(
        "/sign-in", data={"identifier": leader.email, "password": PASSWORD, "remember": "y"}
    )
    assert lost_phone.get("/me").status_code == 200
    issued = services.issue_reset_code(leader, None)
    new_phone = app.test_client()
    done = new_phone.post(
        "/password-reset",
        data={
            "identifier": leader.email,
            "code": issued.code,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert done.status_code == 303
    new_phone.post(
        "/sign-in", data={"identifier": leader.email, "password": "a brand new password"}
    )
    assert new_phone.get("/me").status_code == 200
    assert lost_phone.get("/me").status_code == 302
    lost_phone.delete_cookie("session")  # the remember cookie is refused too
    assert lost_phone.get("/me").status_code == 302
