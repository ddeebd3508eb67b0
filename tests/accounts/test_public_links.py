"""Links in invitations come from the configured PUBLIC_URL, never from the request."""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.forms import new_form_key
from tests.conftest import PASSWORD, app_config

PUBLIC = "https://learn.example.org/headway"


@pytest.fixture
def public(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC)


def _link(page: str) -> str:
    return re.search(r'id="invite-link" readonly value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:5000"])
def test_an_invitation_link_is_on_the_configured_host_whatever_the_request_says(
    client, make_user, public, host
):
    headers = {"Host": host, "X-Forwarded-Host": "evil.example"}
    admin = make_user("admin")
    signed_in = client.post(
        "/sign-in", data={"identifier": admin.email, "password": PASSWORD}, headers=headers
    )
    assert signed_in.status_code == 303
    response = client.post(
        "/people/invite",
        data={
            "key": new_form_key(),
            "name": "Wanjiku",
            "email": "w@example.org",
            "roles": ["leader"],
        },
        headers=headers,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _link(page).startswith(f"{PUBLIC}/invitation")
    assert "evil.example" not in page


def test_a_new_invitation_from_the_person_page_too(client, make_user, login, public):
    from app.accounts import services

    invitee = services.invite(email="late@example.org").access_code.user
    login(make_user("admin"))
    response = client.post(
        f"/people/{invitee.id}/reset-code", headers={"X-Forwarded-Host": "evil.example"}
    )
    assert _link(response.get_data(as_text=True)).startswith(f"{PUBLIC}/invitation")


def test_the_command_prints_the_same_public_link(runner, public):
    result = runner.invoke(args=["users", "invite", "cli@example.org"])
    assert result.exit_code == 0, result.output
    assert re.search(r"link: (\S+)", result.output).group(1).startswith(f"{PUBLIC}/invitation")


def test_public_url_setting(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("PORT", "5123")
    assert create_app(app_config(database_url, tmp_path)).config["PUBLIC_URL"] == (
        "http://127.0.0.1:5123"
    )
    configured = create_app(app_config(database_url, tmp_path, PUBLIC_URL="https://h.example/"))
    assert configured.config["PUBLIC_URL"] == "https://h.example"
    for wrong in ("learn.example.org", "ftp://h.example", "https://h.example/?x=1"):
        with pytest.raises(RuntimeError, match="HEADWAY_PUBLIC_URL"):
            create_app(app_config(database_url, tmp_path, PUBLIC_URL=wrong))
    with pytest.raises(RuntimeError, match="HEADWAY_BASE_URL is gone: set HEADWAY_PUBLIC_URL"):
        create_app(app_config(database_url, tmp_path, BASE_URL="https://h.example"))
