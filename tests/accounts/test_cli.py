"""`flask users …` and `flask demo load`."""

from __future__ import annotations

import re

from app.accounts import services


def test_users_create_and_list(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "ops@example.org",
            "--name",
            "Ops",
            "--role",
            "admin",
            "--role",
            "coach",
            "--password",
            "long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = services.find_user("ops@example.org")
    assert user.roles == {"admin", "coach"} and services.authenticate(
        "ops@example.org", "long enough password"
    )
    listing = runner.invoke(args=["users", "list"])
    assert "ops@example.org" in listing.output and "admin,coach" in listing.output


def test_users_create_rejects_bad_input_with_a_reason(runner):
    short = runner.invoke(
        args=["users", "create", "a@example.org", "--name", "A", "--password", "short"]
    )
    assert short.exit_code != 0 and "at least 8 characters" in short.output
    bad_role = runner.invoke(
        args=[
            "users",
            "create",
            "a@example.org",
            "--name",
            "A",
            "--role",
            "king",
            "--password",
            "long enough password",
        ]
    )
    assert bad_role.exit_code != 0 and "king" in bad_role.output


def test_users_invite_prints_link_and_code_that_work(runner, client):
    result = runner.invoke(
        args=["users", "invite", "+255 754 000 111", "--name", "Neema", "--role", "coach"]
    )
    assert result.exit_code == 0, result.output
    token = re.search(r"/invitation\?token=(\S+)", result.output).group(1)
    code = re.search(r"code: (\S+)", result.output).group(1)
    assert client.get(f"/invitation?token={token}", follow_redirects=True).status_code == 200
    assert services.find_user("+255754000111").roles == {"coach"}
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)


def test_users_reset_code(runner, make_user):
    user = make_user()
    result = runner.invoke(args=["users", "reset-code", user.email])
    assert result.exit_code == 0 and "Reset code" in result.output
    assert runner.invoke(args=["users", "reset-code", "nobody@example.org"]).exit_code != 0


def test_demo_load_is_idempotent(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and "6 demo account(s) created" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "already loaded" in second.output
    assert services.authenticate("admin@example.org", "headway-demo").has_role("admin")
